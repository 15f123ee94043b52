package org.newsletter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Finishing a failed run (DESIGN.md §5): the SMTP server going away, the process killed,
 * permanent and temporary SMTP refusals. Real GreenMail, real database file, the CLI.
 */
class RestartEndToEndTests {

	private static final int SUBSCRIBERS = 20;

	/** The default {@code newsletter.send.connections}: at most one message in flight on each. */
	private static final int CONNECTIONS = 4;

	private static final String CUTOFF = "--cutoff=2026-03-24T08:00:00Z";

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-24"))
		.with("newsletter.send.retry.backoff", "100ms")
		.with("newsletter.send.retry.max-attempts", 2)
		.subscribers(IntStream.rangeClosed(1, SUBSCRIBERS).mapToObj(i -> "reader" + i + "@example.org,Reader " + i)
			.toArray(String[]::new));

	@TempDir
	Path scratch;

	/** What the GreenMail instances of this test received, up to the last {@link #snapshotSmtp()}. */
	final List<MimeMessage> received = new ArrayList<>();

	@Test
	void smtpGoingAwayFailsTheRunAndRestartSendsEveryoneExactlyOnce() throws Exception {
		Thread watcher = stopSmtpAfter(7);
		var failed = cli().with("newsletter.send.rate-limit", 10).run("run", CUTOFF);
		watcher.join();

		assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
		assertThat(failed.err()).contains("SMTP 127.0.0.1:" + e2e.smtpPort()).containsPattern("restart \\d+");
		var again = cli().run("run", CUTOFF);
		assertThat(again.exitCode()).isEqualTo(1);
		assertThat(again.err()).contains("did not finish").contains("./newsletter restart");
		assertThat(cli().run("status").out()).contains("FAILED");
		assertThat(cli().run("subscribers", "remove", "reader20@example.org").exitCode()).isZero();

		e2e.startSmtp();
		var restart = cli().run("restart");

		assertThat(restart.exitCode()).as(restart.toString()).isZero();
		Map<String, Long> perRecipient = perRecipient();
		assertThat(perRecipient).hasSize(SUBSCRIBERS - 1).allSatisfy((address, count) -> assertThat(count).isOne());
		assertThat(perRecipient).doesNotContainKey("reader20@example.org");
		assertThat(cli().run("restart", "1").exitCode()).as("restarting a completed run").isEqualTo(3);
		for (String command : List.of("restart", "status")) {
			var unknown = cli().run(command, "999");
			assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
			assertThat(unknown.err()).startsWith("newsletter: there is no execution 999");
		}
	}

	@Test
	void killedWhileSendingThenRestartedMissesNobodyAndRepeatsAtMostTheMessageInFlight() throws Exception {
		var process = CliProcess.start(e2e.dataDir(), e2e.args("run", CUTOFF, "--newsletter.send.rate-limit=10"));
		awaitReceived(6, process);
		process.kill();
		snapshotSmtp();

		var restart = cli().run("restart");

		assertThat(restart.exitCode()).as(restart.toString()).isZero();
		assertThat(restart.out()).contains("recovering it");
		assertEveryoneAtLeastOnceAndDuplicatesAtMost(CONNECTIONS);
	}

	/**
	 * Kills at fixed delays after the process starts, landing in different steps from run to
	 * run (start-up, fetch, compose, send, finish); whatever was hit, finishing the run misses
	 * nobody and repeats at most the message in flight.
	 */
	@Test
	void killedAtAnyMomentThenFinishedMissesNobody() throws Exception {
		Path base = e2e.dataDir();
		for (int delay : new int[] { 4_000, 4_500, 5_500, 7_500 }) {
			Path dataDir = Files.createDirectories(base.resolve("kill-after-" + delay));
			Files.copy(base.resolve("feeds.opml"), dataDir.resolve("feeds.opml"));
			assertThat(e2e.cli(dataDir).run("subscribers", "import", base.resolve("subscribers.csv").toString()).exitCode()).isZero();
			snapshotSmtp();
			received.clear();
			var process = CliProcess.start(dataDir, EndToEnd.args(e2e.cli(dataDir), "run", CUTOFF, "--newsletter.send.rate-limit=10"));
			Thread.sleep(delay);
			process.kill();
			String atKill = e2e.cli(dataDir).run("status", "--limit=1").out();
			System.out.println("killed " + delay + " ms after start:\n" + atKill);

			var restart = e2e.cli(dataDir).run("restart");
			if (restart.exitCode() == 3) {
				var run = e2e.cli(dataDir).run("run", CUTOFF);
				assertThat(run.exitCode()).as(atKill + run).isIn(0, 3);
			}
			else {
				assertThat(restart.exitCode()).as(atKill + restart).isZero();
			}
			assertEveryoneAtLeastOnceAndDuplicatesAtMost(CONNECTIONS);
		}
	}

	@Test
	void killedWhileFetchingThenRestartedSendsEveryoneOnce() throws Exception {
		var stall = new java.util.concurrent.CountDownLatch(1);
		e2e.feeds().handle("/stalled.xml", exchange -> {
			stall.countDown();
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		e2e.writeFeedList(EndToEnd.allFiles(EndToEnd.planet("march-24")), e2e.feeds().url("/stalled.xml"));
		var process = CliProcess.start(e2e.dataDir(), e2e.args("run", CUTOFF, "--newsletter.fetch.timeout=60s"));
		assertThat(stall.await(60, java.util.concurrent.TimeUnit.SECONDS)).as(process.err()).isTrue();
		process.kill();

		var restart = cli().with("newsletter.fetch.timeout", "1s").run("restart");

		assertThat(restart.exitCode()).as(restart.toString()).isZero();
		assertEveryoneAtLeastOnceAndDuplicatesAtMost(0);
	}

	@Test
	void aPermanentRefusalForOneAddressIsRecordedAndTheOthersAreSent() throws Exception {
		stopSmtp();
		try (var scripted = new ScriptedSmtpServer()) {
			scripted.reply("reader3@example.org", "550 5.1.1 <reader3@example.org>: mailbox unavailable");
			scripted.failTemporarily(2);
			var run = scripted(scripted).with("newsletter.send.retry.max-attempts", 3).run("run", CUTOFF);

			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(run.out()).contains("19 sent, 1 failed");
			assertThat(scripted.delivered()).hasSize(SUBSCRIBERS - 1).doesNotHaveDuplicates()
				.doesNotContain("reader3@example.org");
			assertThat(cli().run("status").out()).contains("19/1");
		}
	}

	@ParameterizedTest
	@EnumSource(value = ScriptedSmtpServer.Stall.class, names = { "BEFORE_GREETING", "AFTER_DATA" })
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aServerThatStopsAnsweringFailsTheRunWithinTheTimeout(ScriptedSmtpServer.Stall stall) throws Exception {
		stopSmtp();
		try (var scripted = new ScriptedSmtpServer()) {
			scripted.stall(stall);
			long start = System.nanoTime();

			var run = scripted(scripted).with("newsletter.send.timeout", "1s").run("run", CUTOFF);

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
			assertThat(run.err()).contains("SMTP 127.0.0.1:" + scripted.port())
				.containsPattern("Fix the cause, then finish the run with: \\./newsletter restart \\d+");
			assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("two attempts of 1 s each, and start-up")
				.isLessThan(java.time.Duration.ofSeconds(30));
			assertThat(scripted.delivered()).isEmpty();
		}
	}

	@Test
	@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aRecipientTheServerKeepsDeferringDoesNotHoldUpTheOthersAndRestartSendsOnlyIt() throws Exception {
		stopSmtp();
		try (var scripted = new ScriptedSmtpServer()) {
			scripted.reply("reader3@example.org", "451 4.2.1 <reader3@example.org>: mailbox busy, try later");
			Cli cli = scripted(scripted).with("newsletter.send.connections", 1);

			var run = cli.run("run", CUTOFF);

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
			assertThat(run.out()).contains("19 sent, 0 failed, 1 deferred");
			assertThat(run.err()).contains("deferred").containsPattern("\\./newsletter restart \\d+");
			assertThat(scripted.delivered()).hasSize(SUBSCRIBERS - 1).doesNotHaveDuplicates()
				.doesNotContain("reader3@example.org");
			var deferred = cli.run("deliveries", "--status=deferred");
			assertThat(deferred.exitCode()).as(deferred.toString()).isZero();
			assertThat(deferred.out().lines().skip(1).toList()).singleElement()
				.satisfies(line -> assertThat(line).startsWith("reader3@example.org,Reader 3,deferred,")
					.contains("451 4.2.1 <reader3@example.org>: mailbox busy, try later")
					.contains("<issue-1.subscriber-3@"));
			assertThat(cli.run("status").out()).contains("19/0/1");

			scripted.accept("reader3@example.org");
			var restart = cli.run("restart");

			assertThat(restart.exitCode()).as(restart.toString()).isZero();
			assertThat(restart.out()).contains("20 sent, 0 failed");
			assertThat(scripted.delivered()).hasSize(SUBSCRIBERS).doesNotHaveDuplicates().endsWith("reader3@example.org");
			assertThat(scripted.messageIds("reader3@example.org")).singleElement().asString()
				.startsWith("<issue-1.subscriber-3@");
			assertThat(cli.run("deliveries", "--status=deferred").out().lines()).hasSize(1);
			assertThat(cli.run("deliveries", "--status=sent").out()).contains("reader3@example.org,Reader 3,sent,")
				.contains(scripted.messageIds("reader3@example.org").get(0));
		}
	}

	private Cli scripted(ScriptedSmtpServer scripted) {
		return cli().with("spring.mail.port", scripted.port())
			.with("newsletter.send.retry.backoff", "50ms")
			.with("newsletter.send.retry.max-attempts", 2);
	}

	@Test
	void twoProcessesOnOneDataDirectory() throws Exception {
		var stall = new java.util.concurrent.CountDownLatch(1);
		e2e.feeds().handle("/stalled.xml", exchange -> {
			stall.countDown();
			try {
				Thread.sleep(3_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.sendResponseHeaders(404, -1);
		});
		e2e.writeFeedList(EndToEnd.allFiles(EndToEnd.planet("march-24")), e2e.feeds().url("/stalled.xml"));
		var first = CliProcess.start(e2e.dataDir(), e2e.args("run", CUTOFF));
		assertThat(stall.await(60, java.util.concurrent.TimeUnit.SECONDS)).as(first.err()).isTrue();

		var second = CliProcess.start(e2e.dataDir(), e2e.args("status"));

		assertThat(second.waitFor()).isEqualTo(1);
		assertThat(second.err()).contains("another newsletter process").contains("is using the data directory");
		assertThat(first.waitFor()).as(first.out() + first.err()).isZero();
		assertThat(cli().run("status").out()).contains("COMPLETED");
		assertThat(perRecipient()).hasSize(SUBSCRIBERS);
	}

	/**
	 * The data directory's disk fills up while the restart sends (DESIGN.md §5 with a disk
	 * that takes no more records): it stops with one line naming the full disk, its job record
	 * survives, and once there is room again the next restart misses nobody and repeats at most
	 * the message in flight on each connection, with the same Message-ID. HSQLDB reported the
	 * lost commits as done; without the check everyone got the issue twice.
	 */
	@Test
	@Timeout(240)
	void aDiskFillingUpWhileSendingStopsTheSendAndTheRestartMissesNobody() throws Exception {
		assumeTrue(SmallDisk.available(), "this machine does not let a process mount a tmpfs in a namespace of its own");
		var more = new StringBuilder("email,name\n");
		IntStream.rangeClosed(SUBSCRIBERS + 1, MANY).forEach(i -> more.append("reader").append(i).append("@example.org,R\n"));
		Files.writeString(e2e.dataDir().resolve("more.csv"), more);
		assertThat(cli().run("subscribers", "import", e2e.dataDir().resolve("more.csv").toString()).exitCode()).isZero();
		stopSmtp();
		var unsent = cli().run("run", CUTOFF);
		assertThat(unsent.exitCode()).as(unsent.toString()).isEqualTo(1);
		e2e.startSmtp();
		List<String> settings = Stream.concat(e2e.cli().settings().stream().filter(setting -> !setting.startsWith("--newsletter.data-dir=")),
				Stream.of("--newsletter.send.free-space-reserve=0")).toList();
		var disk = new SmallDisk(scratch, "16m");
		disk.copyIn(e2e.dataDir())
			.newsletterUntilItPrints("Restarting", settings, "restart", "--newsletter.send.rate-limit=10")
			.sleep(1.5)
			.fillLeaving(0)
			.awaitAll()
			.free()
			.newsletter(settings, "status")
			.newsletter(settings, "restart")
			.newsletter(settings, "status");

		var outcomes = disk.run();

		var full = outcomes.get(0);
		assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
		assertThat(full.err()).as(full.toString()).contains("no space left").contains(disk.mount().resolve("data").toString());
		assertThat(full.err().lines()).as("one line, no stack trace: " + full).hasSize(1);
		assertThat(outcomes.get(1).out()).as("stopped mid-send: " + outcomes.get(1)).containsPattern("STARTED .* 33 +[1-9]\\d?/0/0 ");
		var finished = outcomes.get(2);
		assertThat(finished.exitCode()).as(finished.toString()).isZero();
		assertThat(outcomes.get(3).out()).contains("COMPLETED");
		assertEveryoneAtLeastOnceAndDuplicatesAtMost(MANY, CONNECTIONS);
	}

	@Test
	void aSendIsRefusedBeforeTheFirstMessageWhenTheDataDirectoryHasNoRoomForItsRecords() throws Exception {
		var refused = cli().with("newsletter.send.free-space-reserve", "100000TB").run("run", CUTOFF);

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
		assertThat(refused.err()).contains("not enough free space in the data directory " + e2e.dataDir().toAbsolutePath().normalize())
			.contains("nothing was sent").containsPattern("restart \\d+");
		snapshotSmtp();
		assertThat(received).isEmpty();

		var restart = cli().run("restart");

		assertThat(restart.exitCode()).as(restart.toString()).isZero();
		assertEveryoneAtLeastOnceAndDuplicatesAtMost(0);
	}

	/** Subscribers of the full-disk test: a send of 8 s at 10 a second. */
	private static final int MANY = 80;

	/** A new command line for each command: what one command adds must not reach the next. */
	private Cli cli() {
		return e2e.cli(e2e.dataDir());
	}

	private void assertEveryoneAtLeastOnceAndDuplicatesAtMost(int inFlight) throws MessagingException {
		assertEveryoneAtLeastOnceAndDuplicatesAtMost(SUBSCRIBERS, inFlight);
	}

	private void assertEveryoneAtLeastOnceAndDuplicatesAtMost(int subscribers, int inFlight) throws MessagingException {
		snapshotSmtp();
		Map<String, Long> perRecipient = perRecipient();
		assertThat(perRecipient).hasSize(subscribers);
		long duplicates = perRecipient.values().stream().mapToLong(count -> count - 1).sum();
		assertThat(duplicates).isLessThanOrEqualTo(inFlight);
		Map<String, List<String>> ids = new java.util.HashMap<>();
		for (MimeMessage message : received) {
			ids.computeIfAbsent(message.getAllRecipients()[0].toString(), k -> new ArrayList<>()).add(message.getMessageID());
		}
		ids.values().forEach(list -> assertThat(list.stream().distinct()).as("one Message-ID per subscriber").hasSize(1));
	}

	private Map<String, Long> perRecipient() throws MessagingException {
		snapshotSmtp();
		List<String> recipients = new ArrayList<>();
		for (MimeMessage message : received) {
			var address = (jakarta.mail.internet.InternetAddress) message.getAllRecipients()[0];
			recipients.add(address.getAddress());
		}
		return recipients.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private void awaitReceived(int count, CliProcess process) throws InterruptedException {
		long deadline = System.currentTimeMillis() + 60_000;
		while (e2e.smtp().getReceivedMessages().length < count) {
			assertThat(System.currentTimeMillis()).as("messages within 60 s: " + process.err()).isLessThan(deadline);
			Thread.sleep(5);
		}
	}

	private Thread stopSmtpAfter(int count) {
		GreenMail smtp = e2e.smtp();
		var watcher = new Thread(() -> {
			long deadline = System.currentTimeMillis() + 60_000;
			while (smtp.getReceivedMessages().length < count && System.currentTimeMillis() < deadline) {
				Thread.onSpinWait();
			}
			// Between two messages (10 a second): the last one's reply has reached the sender, the
			// next one has not started. Stopping mid-reply would be a message in flight.
			try {
				Thread.sleep(40);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			stopSmtp();
		});
		watcher.start();
		return watcher;
	}

	/** Keeps what this server instance received and starts an empty one; a stopped GreenMail forgets it. */
	private synchronized void snapshotSmtp() {
		if (e2e.smtp() != null) {
			stopSmtp();
			e2e.startSmtp();
		}
	}

	/** Stops GreenMail, keeping what it received. */
	private synchronized void stopSmtp() {
		if (e2e.smtp() != null) {
			received.addAll(Arrays.asList(e2e.smtp().getReceivedMessages()));
			e2e.stopSmtp();
		}
	}
}
