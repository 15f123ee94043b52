package org.newsletter;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.newsletter.delivery.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list is personal data (issue 20): whatever the umask, nothing under the data directory
 * (the published archive aside) can be read by group or others; a secret or DKIM key that others
 * can read is refused; no secret reaches the log or the terminal; and a person forgotten at
 * their request is nowhere in the database files afterwards, is refused by a later import, and
 * the issues' counts still add up. The CLI as the operator runs it, as a child process where the
 * umask matters.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PrivacyEndToEndTests {

	private static final String CUTOFF = "--cutoff=2026-03-21T00:00:00Z";

	private static final String PASSWORD = "smtp-Pa55word-7f3a";

	private static final DkimKeys KEYS = DkimKeys.generate();

	@RegisterExtension
	static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
		.withConfiguration(GreenMailConfiguration.aConfig().withUser("newsletter", PASSWORD));

	@TempDir
	Path work;

	Path dataDir;

	FeedServer feeds;

	@BeforeEach
	void start() throws IOException {
		dataDir = work.resolve("data");
		feeds = new FeedServer(WeeklyDigestEndToEndTests.planet("march-20"));
		Files.writeString(work.resolve("feeds.opml"), "<opml version=\"2.0\"><body>\n<outline xmlUrl=\""
				+ feeds.url("/feeds/real-python.xml") + "\"/>\n<outline xmlUrl=\"" + feeds.url("/feeds/pypy.xml")
				+ "\"/>\n</body></opml>\n");
		Files.writeString(work.resolve("subscribers.csv"),
				"email,name\nada@example.org,Ada\nbob.quux@example.org,Roberta Quux\ncy@example.org,Cy\n");
	}

	@AfterEach
	void stop() {
		feeds.close();
	}

	@ParameterizedTest(name = "umask {0}")
	@ValueSource(strings = { "022", "002" })
	void aFreshRunLeavesNothingUnderTheDataDirectoryThatGroupOrOthersCanRead(String umask) throws Exception {
		Path key = KEYS.writePrivateKey(work.resolve("dkim.pem"));

		var imported = child(umask, "subscribers", "import", work.resolve("subscribers.csv").toString());
		var run = child(umask, "run", CUTOFF, "--verbose", "--newsletter.dkim.private-key=" + key);
		var backup = child(umask, "backup", dataDir.resolve("backups").toString());

		assertThat(smtp.getReceivedMessages()).hasSize(3);
		assertThat(Files.exists(dataDir.resolve("archive"))).isTrue();
		assertThat(Files.exists(dataDir.resolve("db/newsletter.script"))).isTrue();
		assertThat(Files.exists(dataDir.resolve("logs/newsletter.log"))).isTrue();
		assertThat(openToOthers()).as("files and folders group or others can use, after\n" + imported + run + backup)
			.isEmpty();
		String terminal = imported + run + backup;
		assertThat(terminal).doesNotContain("open to others"); // a fresh directory needs no notice
	}

	@Test
	void noSecretReachesTheLogOrTheTerminalAndTheLogNamesNoSubscriber() throws Exception {
		Path key = KEYS.writePrivateKey(work.resolve("dkim.pem"));
		String keyBody = Files.readAllLines(key).get(3); // a line of the key's base64, well inside it

		String terminal = child("022", "subscribers", "import", work.resolve("subscribers.csv").toString())
				+ child("022", "run", CUTOFF, "--verbose", "--newsletter.dkim.private-key=" + key)
				+ child("022", "status") + child("022", "deliveries");

		assertThat(smtp.getReceivedMessages()).hasSize(3);
		String secret = Files.readString(dataDir.resolve("unsubscribe.secret")).strip();
		String log = logs();
		assertThat(log).contains("weekly-digest"); // the log was written
		for (String text : List.of(terminal, log)) {
			assertThat(text).doesNotContain(PASSWORD).doesNotContain(secret).doesNotContain(keyBody);
		}
		assertThat(log).doesNotContain("ada@example.org", "bob.quux@example.org", "Roberta Quux");
	}

	@Test
	void anExistingDataDirectoryOthersCanEnterIsMadePrivateWithOneNotice() throws Exception {
		assertThat(child("022", "subscribers", "import", work.resolve("subscribers.csv").toString())).contains("3 imported");
		Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(dataDir.resolve("db"), PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(dataDir.resolve("db/newsletter.script"), PosixFilePermissions.fromString("rw-r--r--"));
		Path archive = Files.createDirectories(dataDir.resolve("archive/1"));
		Files.writeString(archive.resolve("index.html"), "<p>published</p>");
		Files.setPosixFilePermissions(dataDir.resolve("archive"), PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(archive.resolve("index.html"), PosixFilePermissions.fromString("rw-r--r--"));

		String listed = child("022", "subscribers", "list");

		assertThat(listed).contains("ada@example.org");
		assertThat(listed.lines().filter(line -> line.contains("open to others")).toList()).singleElement()
			.asString()
			.contains("the data directory " + dataDir.toAbsolutePath(), "(rwxr-xr-x)", "owner-only");
		assertThat(openToOthers()).isEmpty();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.resolve("index.html"))))
			.as("the archive is published: it keeps its permissions").isEqualTo("rw-r--r--");

		assertThat(child("022", "subscribers", "list")).doesNotContain("open to others");
	}

	@Test
	void aSecretOrDkimKeyOthersCanReadIsRefusedWithTheCommandThatMakesItPrivate() throws Exception {
		var cli = new Cli(dataDir);
		assertThat(cli.run("subscribers", "import", work.resolve("subscribers.csv").toString()).exitCode()).isZero();
		Path secret = dataDir.resolve("unsubscribe.secret");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
		Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

		var refused = cli.run("subscribers", "list");

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
		assertThat(refused.err().lines().toList()).as(refused.toString()).singleElement().asString()
			.contains(secret.toString(), "(rw-r--r--)", "forge unsubscribe links")
			.endsWith("chmod 600 " + secret);
		assertThat(refused.out()).doesNotContain("ada@example.org");

		Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
		Path key = KEYS.writePrivateKeyAsUmaskAllows(work.resolve("dkim.pem"));
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
		var dkim = withSmtp(cli).with("newsletter.dkim.private-key", key).run("run", CUTOFF);

		assertThat(dkim.exitCode()).as(dkim.toString()).isEqualTo(2);
		assertThat(dkim.err().lines().toList()).as(dkim.toString()).singleElement().asString()
			.contains(key.toString(), "(rw-r--r--)").endsWith("chmod 600 " + key);
		assertThat(smtp.getReceivedMessages()).isEmpty();
	}

	@Test
	void aForgottenPersonIsNowhereInTheDatabaseFilesAndARepeatedImportIsRefused() throws Exception {
		var scripted = new ScriptedSmtpServer();
		try {
			var cli = new Cli(dataDir).with("newsletter.feeds", work.resolve("feeds.opml"))
				.with("spring.mail.host", "127.0.0.1")
				.with("spring.mail.port", scripted.port());
			assertThat(cli.run("subscribers", "import", work.resolve("subscribers.csv").toString()).exitCode()).isZero();
			scripted.reply("bob.quux@example.org", "550 5.1.1 <bob.quux@example.org>: mailbox unavailable");
			var run = cli.run("run", CUTOFF);
			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(filesQuoting("bob.quux@example.org", dataDir.resolve("db"))).as("before").isNotEmpty();
			List<String> before = reportLines(cli);
			assertThat(before).containsExactly("ada@example.org sent", "bob.quux@example.org failed", "cy@example.org sent");

			var forget = cli.run("subscribers", "forget", "Bob.Quux@EXAMPLE.org");

			assertThat(forget.exitCode()).as(forget.toString()).isZero();
			assertThat(forget.out()).isEqualTo("Bob.Quux@example.org: forgotten, 1 delivery kept without the address\n");
			for (String trace : List.of("bob.quux@example.org", "Roberta Quux")) {
				assertThat(filesQuoting(trace, dataDir)).as(trace).isEmpty();
			}
			var report = cli.run("deliveries");
			assertThat(reportLines(cli)).containsExactly("ada@example.org sent", "forgotten failed", "cy@example.org sent");
			assertThat(csv(report.out()).get(2).get("name")).isEmpty();
			assertThat(csv(report.out()).get(2).get("smtp_reply")).isEmpty();
			assertThat(cli.run("status").out()).as("sent/failed/deferred").contains(" 2/1/0 ");
			assertThat(cli.run("subscribers", "export", "-").out()).doesNotContain("bob", "Quux", "forgotten")
				.contains("ada@example.org", "cy@example.org");

			var again = cli.run("subscribers", "import", work.resolve("subscribers.csv").toString());
			assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
			assertThat(again.err()).contains("line 3: forgotten at the person's request (--resubscribe adds them again)"
					+ " (bob.quux@example.org)");
			assertThat(again.out()).contains("2 imported (0 added, 0 updated, 2 unchanged), 1 rejected");
			var added = cli.run("subscribers", "add", "bob.quux@example.org");
			assertThat(added.exitCode()).isEqualTo(2);
			assertThat(added.err()).contains("forgotten at the person's request; add --resubscribe");

			var resubscribed = cli.run("subscribers", "import", work.resolve("subscribers.csv").toString(), "--resubscribe");
			assertThat(resubscribed.exitCode()).as(resubscribed.toString()).isZero();
			assertThat(resubscribed.out()).contains("3 imported (1 added, 0 updated, 2 unchanged), 0 rejected");
			assertThat(reportLines(cli)).as("the new subscriber is not the old delivery's")
				.containsExactly("ada@example.org sent", "forgotten failed", "cy@example.org sent");
		}
		finally {
			scripted.close();
		}
	}

	@Test
	void anImportWithForgetForgetsEveryAddressInTheFile() throws Exception {
		var cli = new Cli(dataDir);
		assertThat(cli.run("subscribers", "import", work.resolve("subscribers.csv").toString()).exitCode()).isZero();
		Path requests = Files.writeString(work.resolve("requests.csv"),
				"email\nCY@example.org\nnot-an-address\nzed@example.org\ncy@example.org\n");

		var forget = cli.run("subscribers", "import", requests.toString(), "--forget");

		assertThat(forget.exitCode()).as(forget.toString()).isEqualTo(2);
		assertThat(forget.out()).contains("2 forgotten, 2 rejected");
		assertThat(forget.err()).contains("line 3: invalid address (not-an-address)", "line 5: duplicate of line 2");
		assertThat(cli.run("subscribers", "list").out()).contains("ada@example.org", "bob.quux@example.org")
			.doesNotContain("cy@example.org");
		assertThat(filesQuoting("cy@example.org", dataDir.resolve("db"))).isEmpty();
		var zed = cli.run("subscribers", "add", "zed@example.org", "Zed");
		assertThat(zed.exitCode()).as("an address not on the list is suppressed too").isEqualTo(2);
		assertThat(cli.run("subscribers", "add", "zed@example.org", "Zed", "--resubscribe").exitCode()).isZero();
		assertThat(cli.run("subscribers", "import", requests.toString(), "--forget", "--replace").exitCode()).isEqualTo(2);
	}

	private Cli withSmtp(Cli cli) {
		return cli.with("spring.mail.host", "127.0.0.1")
			.with("spring.mail.port", smtp.getSmtp().getPort())
			.with("newsletter.dkim.domain", "newsletter.example")
			.with("newsletter.dkim.selector", "weekly");
	}

	/** Runs the command as a child JVM under {@code umask}; returns what it printed, failing unless it exits 0. */
	private String child(String umask, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("sh", "-c", "umask " + umask + "; exec \"$0\" \"$@\"",
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), org.newsletter.cli.Launcher.class.getName()));
		command.addAll(List.of(args));
		command.addAll(List.of("--newsletter.data-dir=" + dataDir, "--newsletter.feeds=" + work.resolve("feeds.opml"),
				"--newsletter.templates-dir=templates", "--spring.mail.host=127.0.0.1",
				"--spring.mail.port=" + smtp.getSmtp().getPort(), "--spring.mail.username=newsletter",
				"--spring.mail.password=" + PASSWORD));
		if (command.stream().anyMatch(arg -> arg.startsWith("--newsletter.dkim.private-key="))) {
			command.addAll(List.of("--newsletter.dkim.domain=newsletter.example", "--newsletter.dkim.selector=weekly"));
		}
		Path output = Files.createTempFile(work, "terminal", ".txt");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("did not end within 120 s: " + Files.readString(output));
		}
		String printed = Files.readString(output);
		assertThat(process.exitValue()).as(String.join(" ", args) + "\n" + printed).isZero();
		return printed;
	}

	/** Everything under the data directory but the archive that group or others can use, with its mode. */
	private List<String> openToOthers() throws IOException {
		try (Stream<Path> paths = Files.walk(dataDir)) {
			return paths.filter(path -> !path.startsWith(dataDir.resolve("archive")))
				.filter(path -> !Files.isSymbolicLink(path))
				.map(path -> {
					try {
						return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS))
								+ " " + dataDir.relativize(path);
					}
					catch (IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				})
				.filter(line -> !line.substring(3, 9).equals("------"))
				.toList();
		}
	}

	/** The files under {@code root} whose bytes hold {@code text} (ASCII), in any case. */
	private static List<Path> filesQuoting(String text, Path root) throws IOException {
		byte[] wanted = text.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(Files::isRegularFile).filter(file -> {
				try {
					byte[] bytes = Files.readAllBytes(file);
					for (int i = 0; i < bytes.length; i++) {
						bytes[i] = (byte) Character.toLowerCase(bytes[i]);
					}
					return indexOf(bytes, wanted) >= 0;
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}).toList();
		}
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private String logs() throws IOException {
		StringBuilder all = new StringBuilder();
		try (Stream<Path> files = Files.list(dataDir.resolve("logs"))) {
			for (Path file : files.toList()) {
				all.append(Files.readString(file, StandardCharsets.ISO_8859_1));
			}
		}
		return all.toString();
	}

	private static List<String> reportLines(Cli cli) throws IOException {
		var report = cli.run("deliveries");
		assertThat(report.exitCode()).as(report.toString()).isZero();
		return csv(report.out()).stream().skip(1).map(r -> r.get("email") + " " + r.get("status")).toList();
	}

	private static List<CSVRecord> csv(String text) throws IOException {
		return CSVFormat.RFC4180.builder()
			.setHeader(DeliveryReport.HEADER.toArray(String[]::new))
			.get()
			.parse(new StringReader(text))
			.getRecords();
	}
}
