package org.newsletter.job;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.Cli;
import org.newsletter.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

/** What the operator reads while a run goes, through the command line against a real SMTP server. */
class RunReportTests {

	private static final int SUBSCRIBERS = 20;

	@TempDir
	Path dataDir;

	@Test
	@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void whenTheServerGoesAwayMidChunkTheSendLineCountsTheMessagesThatWentOut() throws Exception {
		writeFeedList();
		writeSubscribers();
		try (var smtp = new ScriptedSmtpServer()) {
			Cli cli = new Cli(dataDir).with("spring.mail.host", "127.0.0.1")
				.with("spring.mail.port", smtp.port())
				.with("newsletter.send.connections", 1)
				.with("newsletter.send.rate-limit", 20)
				.with("newsletter.send.retry.backoff", "50ms")
				.with("newsletter.send.retry.max-attempts", 2);
			assertThat(cli.run("subscribers", "import", dataDir.resolve("subscribers.csv").toString()).exitCode()).isZero();
			Thread watcher = closeAfter(smtp, 5);

			var run = cli.run("run", "--cutoff=2026-03-24T08:00:00Z");
			watcher.join();

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
			var summary = Pattern.compile("messages +(\\d+) sent, 0 failed").matcher(run.out());
			assertThat(summary.find()).as(run.toString()).isTrue();
			assertThat(Integer.parseInt(summary.group(1))).as("sent before the server went away").isBetween(4, SUBSCRIBERS - 1);
			assertThat(run.out()).as("the whole chunk failed, the messages before the failure went out")
				.contains("send: " + summary.group(1) + "/" + SUBSCRIBERS + " messages to SMTP");
		}
	}

	@Test
	@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aDryRunCountsEveryMessageWrittenToTheOutbox() throws Exception {
		writeFeedList();
		writeSubscribers();
		Cli cli = new Cli(dataDir);
		assertThat(cli.run("subscribers", "import", dataDir.resolve("subscribers.csv").toString()).exitCode()).isZero();

		var run = cli.run("run", "--cutoff=2026-03-24T08:00:00Z", "--dry-run");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).contains("send: " + SUBSCRIBERS + "/" + SUBSCRIBERS + " messages to the outbox folder",
				"messages   " + SUBSCRIBERS + " sent, 0 failed");
	}

	/** Closes the server, connections and all, once it has accepted {@code count} messages. */
	private static Thread closeAfter(ScriptedSmtpServer smtp, int count) {
		var watcher = new Thread(() -> {
			long deadline = System.currentTimeMillis() + 60_000;
			while (smtp.delivered().size() < count && System.currentTimeMillis() < deadline) {
				Thread.onSpinWait();
			}
			try {
				smtp.close();
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}, "close-smtp");
		watcher.start();
		return watcher;
	}

	private void writeFeedList() throws IOException, URISyntaxException {
		Path feeds = Path.of(RunReportTests.class.getResource("/fixtures/planet/march-24/feeds").toURI());
		var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
		try (Stream<Path> files = Files.list(feeds)) {
			files.sorted().forEach(file -> opml.append("<outline xmlUrl=\"").append(file.toUri()).append("\"/>\n"));
		}
		Files.writeString(dataDir.resolve("feeds.opml"), opml.append("</body></opml>\n"));
	}

	private void writeSubscribers() throws IOException {
		var csv = new StringBuilder("email,name\n");
		IntStream.rangeClosed(1, SUBSCRIBERS)
			.forEach(i -> csv.append("reader").append(i).append("@example.org,Reader ").append(i).append('\n'));
		Files.writeString(dataDir.resolve("subscribers.csv"), csv);
	}
}
