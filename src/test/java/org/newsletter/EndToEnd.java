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
import com.icegreen.greenmail.util.ServerSetupTest;
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
			smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
			if (smtpUser != null) {
				smtp.withConfiguration(GreenMailConfiguration.aConfig().withUser(smtpUser, smtpPassword));
			}
			smtp.start();
			cli.with("spring.mail.host", "127.0.0.1").with("spring.mail.port", smtp.getSmtp().getPort());
		}
		settings.forEach(cli::with);
		if (!subscribers.isEmpty()) {
			Path csv = dataDir.resolve("subscribers.csv");
			Files.writeString(csv, "email,name\n" + String.join("\n", subscribers) + "\n");
			var imported = cli.run("subscribers", "import", csv.toString());
			assertThat(imported.exitCode()).as(imported.toString()).isZero();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) throws IOException {
		feeds.close();
		if (smtp != null) {
			smtp.stop();
		}
		PathUtils.deleteDirectory(dataDir);
	}

	/** The data directory: {@code feeds.opml} and, once a command ran, the database and the log. */
	public Path dataDir() {
		return dataDir;
	}

	public FeedServer feeds() {
		return feeds;
	}

	/** The SMTP server the CLI sends to; none after {@link #withoutGreenMail()}. */
	public GreenMail smtp() {
		return smtp;
	}

	/** The command line on the data directory, sending to GreenMail. */
	public Cli cli() {
		return cli;
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
