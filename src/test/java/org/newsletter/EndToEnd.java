package org.newsletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.jayway.jsonpath.JsonPath;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an end-to-end test runs against, made anew for every test: a temporary data directory
 * whose feed list names fixture feeds served over real HTTP ({@link FeedServer}), a real SMTP
 * server (GreenMail) on a free port, and a {@link Cli} wired to both. Register it on an
 * instance field: {@code @RegisterExtension final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-20"))...}.
 */
public final class EndToEnd implements BeforeEachCallback, AfterEachCallback {

	private final Path served;

	private List<String> feedFiles;

	private final List<String> subscribers = new ArrayList<>();

	private final Map<String, Object> settings = new LinkedHashMap<>();

	private boolean greenMail = true;

	private String smtpUser;

	private String smtpPassword;

	private Path dataDir;

	private FeedServer feeds;

	private GreenMail smtp;

	private int smtpPort;

	private Cli cli;

	private EndToEnd(Path served) {
		this.served = served;
	}

	/** Serves the files of {@code folder} under {@code /feeds/}; the feed list names every one of them. */
	public static EndToEnd serving(Path folder) {
		return new EndToEnd(folder);
	}

	/** The feed list names only these files of the served folder, in this order. */
	public EndToEnd feedList(String... files) {
		this.feedFiles = List.of(files);
		return this;
	}

	/** Imports these subscribers (CSV lines {@code email,name}) before each test, as the operator would. */
	public EndToEnd subscribers(String... csvLines) {
		subscribers.addAll(List.of(csvLines));
		return this;
	}

	/** A Spring property every command of the test gets, e.g. {@code newsletter.fetch.timeout=2s}. */
	public EndToEnd with(String property, Object value) {
		settings.put(property, value);
		return this;
	}

	/** GreenMail accepts only this login (and the CLI is not told it). */
	public EndToEnd smtpLogin(String user, String password) {
		this.smtpUser = user;
		this.smtpPassword = password;
		return this;
	}

	/** No GreenMail: the test brings an SMTP server of its own (or none). */
	public EndToEnd withoutGreenMail() {
		this.greenMail = false;
		return this;
	}

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		dataDir = Files.createTempDirectory("newsletter-e2e-");
		feeds = new FeedServer(served);
		writeFeedList(feedFiles != null ? feedFiles : allFiles(served));
		cli = new Cli(dataDir);
		if (greenMail) {
			startSmtp(ServerSetupTest.SMTP.dynamicPort());
			smtpPort = smtp.getSmtp().getPort();
			cli.with("spring.mail.host", "127.0.0.1").with("spring.mail.port", smtpPort);
		}
		settings.forEach(cli::with);
		if (!subscribers.isEmpty()) {
			importSubscribers(subscribers.toArray(String[]::new));
		}
	}

	@Override
	public void afterEach(ExtensionContext context) throws IOException {
		feeds.close();
		stopSmtp();
		PathUtils.deleteDirectory(dataDir);
	}

	/** Imports these subscribers (CSV lines {@code email,name}) with {@link #cli()}, via {@code subscribers.csv}. */
	public void importSubscribers(String... csvLines) {
		try {
			Path csv = dataDir.resolve("subscribers.csv");
			Files.writeString(csv, "email,name\n" + String.join("\n", csvLines) + "\n");
			var imported = cli.run("subscribers", "import", csv.toString());
			assertThat(imported.exitCode()).as(imported.toString()).isZero();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Stops GreenMail, as an SMTP server going away; what it received is gone with it. */
	public synchronized void stopSmtp() {
		if (smtp != null) {
			smtp.stop();
			smtp = null;
		}
	}

	/** Starts a new, empty GreenMail on the port the CLI sends to, after {@link #stopSmtp()}. */
	public synchronized void startSmtp() {
		startSmtp(ServerSetupTest.SMTP.port(smtpPort));
	}

	private synchronized void startSmtp(ServerSetup setup) {
		smtp = new GreenMail(setup);
		if (smtpUser != null) {
			smtp.withConfiguration(GreenMailConfiguration.aConfig().withUser(smtpUser, smtpPassword));
		}
		smtp.start();
	}

	/** The data directory: {@code feeds.opml} and, once a command ran, the database and the log. */
	public Path dataDir() {
		return dataDir;
	}

	public FeedServer feeds() {
		return feeds;
	}

	/** The SMTP server the CLI sends to; none after {@link #withoutGreenMail()} or {@link #stopSmtp()}. */
	public synchronized GreenMail smtp() {
		return smtp;
	}

	/** The port of GreenMail, the same after {@link #startSmtp()}. */
	public int smtpPort() {
		return smtpPort;
	}

	/** The command line on the data directory, sending to GreenMail. */
	public Cli cli() {
		return cli;
	}

	/**
	 * A new command line with {@link #cli()}'s settings, on {@code dataDir} and its {@code feeds.opml}:
	 * settings added to it stay with it, for a command that later ones must not inherit.
	 */
	public Cli cli(Path dataDir) {
		var copy = new Cli(dataDir);
		cli.settings().stream()
			.filter(setting -> !setting.startsWith("--newsletter.data-dir=") && !setting.startsWith("--newsletter.feeds="))
			.map(setting -> setting.substring(2).split("=", 2))
			.forEach(setting -> copy.with(setting[0], setting[1]));
		return copy;
	}

	/** {@code command} followed by {@link #cli()}'s settings: the arguments of a {@link CliProcess}. */
	public String[] args(String... command) {
		return args(cli, command);
	}

	/** {@code command} followed by {@code cli}'s settings: the arguments of a {@link CliProcess}. */
	public static String[] args(Cli cli, String... command) {
		return Stream.concat(Stream.of(command), cli.settings().stream()).toArray(String[]::new);
	}

	/** Writes the feed list: the served {@code files}, then any further {@code urls} (e.g. of extra handlers). */
	public void writeFeedList(List<String> files, String... urls) {
		var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
		files.forEach(file -> opml.append("<outline xmlUrl=\"").append(feeds.url("/feeds/" + file)).append("\"/>\n"));
		Stream.of(urls).forEach(url -> opml.append("<outline text=\"").append(url.substring(url.lastIndexOf('/') + 1))
			.append("\" xmlUrl=\"").append(url).append("\"/>\n"));
		try {
			Files.writeString(dataDir.resolve("feeds.opml"), opml.append("</body></opml>\n"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Writes the feed list of the planet fixture, each feed named as {@code planet/manifest.json} names its source. */
	public void writePlanetFeedList() {
		try {
			List<Map<String, Object>> manifest = JsonPath.read(fixture("planet/manifest.json").toFile(), "$.feeds");
			var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
			for (Map<String, Object> feed : manifest) {
				String file = ((String) feed.get("file")).replace("feeds/", "");
				opml.append("<outline text=\"")
					.append(((String) feed.get("source")).replace("&", "&amp;").replace("\"", "&quot;"))
					.append("\" xmlUrl=\"").append(feeds.url("/feeds/" + file)).append("\"/>\n");
			}
			Files.writeString(dataDir.resolve("feeds.opml"), opml.append("</body></opml>\n"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The names of the files of {@code folder}, sorted. */
	public static List<String> allFiles(Path folder) {
		try (var files = Files.list(folder)) {
			return files.map(file -> file.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The feeds of one snapshot of the planet fixture, e.g. {@code march-20}. */
	public static Path planet(String snapshot) {
		return fixture("planet/" + snapshot + "/feeds");
	}

	/** A file or folder under {@code src/test/resources/fixtures}. */
	public static Path fixture(String path) {
		try {
			return Path.of(EndToEnd.class.getResource("/fixtures/" + path).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
