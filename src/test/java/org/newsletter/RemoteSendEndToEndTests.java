package org.newsletter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The send across hosts (README, Several hosts): a throwaway PostgreSQL cluster
 * ({@link PostgresServer}), the run as the manager in this JVM, {@code worker}s and {@code serve}s in
 * JVMs of their own, each with a data directory of its own as on separate hosts and each worker
 * with an SMTP server of its own ({@link ScriptedSmtpServer}, which keeps only who got which
 * Message-ID): which server got a message says which worker sent it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RemoteSendEndToEndTests {

	private static final String CUTOFF = "--cutoff=2026-03-24T08:00:00Z";

	private static final String SECRET = "a-test-secret-shared-by-every-host";

	/** The default newsletter.send.connections: each worker's partitions at once, one message in flight on each. */
	private static final int CONNECTIONS = 4;

	private static PostgresServer postgres;

	private static String missing;

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-24")).withoutGreenMail()
		.with("newsletter.unsubscribe-secret", SECRET)
		.with("newsletter.send.remote-timeout", "20s");

	private String databaseUrl;

	private final List<CliProcess> processes = new ArrayList<>();

	private final List<ScriptedSmtpServer> smtpServers = new ArrayList<>();

	@BeforeAll
	static void startPostgres() throws Exception {
		missing = PostgresServer.missingFor(RemoteSendEndToEndTests.class);
		if (missing == null) {
			postgres = PostgresServer.start();
		}
	}

	@AfterAll
	static void stopPostgres() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@BeforeEach
	void database(TestInfo test) throws Exception {
		Assumptions.assumeTrue(missing == null, missing);
		databaseUrl = postgres.useNewDatabase(e2e.cli(), test.getTestMethod().orElseThrow().getName().toLowerCase());
	}

	@AfterEach
	void stopProcesses() throws Exception {
		for (CliProcess process : processes) {
			if (process.isAlive()) {
				process.kill();
			}
		}
		for (ScriptedSmtpServer smtp : smtpServers) {
			smtp.close();
		}
	}

	@Test
	void twoWorkersSendTwentyThousandSubscribersEachExactlyOnce() throws Exception {
		int subscribers = 20_000;
		importSubscribers(subscribers);
		var a = worker("a");
		var b = worker("b");

		var run = manager().run("run", CUTOFF);

		assertThat(run.exitCode()).as(run + a.process().out() + b.process().out()).isZero();
		assertThat(run.out()).contains("send: " + subscribers + "/" + subscribers + " messages to SMTP by the send workers (8 partitions, 2 workers");
		assertThat(run.out()).doesNotContain("outbox");
		Map<String, List<String>> received = received(a.smtp(), b.smtp());
		assertThat(received).hasSize(subscribers).allSatisfy((address, ids) -> assertThat(ids).hasSize(1));
		assertThat(a.smtp().delivered()).as("worker a sent some over its own server").isNotEmpty();
		assertThat(b.smtp().delivered()).as("worker b sent some over its own server").isNotEmpty();
		assertThat(a.smtp().delivered().size() + b.smtp().delivered().size()).isEqualTo(subscribers);
		// the partitions say who sent them: both workers, each partition by one
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(DISTINCT worker_id) FROM send_partition")).isEqualTo(2);
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) FROM send_partition")).isEqualTo(8);
		assertThat(a.process().out()).contains("COMPLETED");
		assertThat(b.process().out()).contains("COMPLETED");
		assertThat(manager().run("status").out()).contains("COMPLETED").contains(subscribers + "/0");

		// SIGTERM: a worker ends within the stop timeout and says it is gone
		a.process().stop();
		b.process().stop();
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) FROM send_worker")).isZero();
	}

	@Test
	void aWorkerKilledHalfWayLosesNobodyAndRestartResendsAtMostItsMessagesInFlight() throws Exception {
		int subscribers = 4_000;
		importSubscribers(subscribers);
		var a = worker("a");
		var b = worker("b");
		var manager = CliProcess.start(e2e.dataDir(), e2e.args("run", CUTOFF, "--newsletter.send.remote=true",
				"--newsletter.send.rate-limit=400"));
		processes.add(manager);
		await(() -> a.smtp().delivered().size() >= 500, Duration.ofSeconds(120), manager);
		a.process().kill();

		assertThat(manager.waitFor()).as(manager.out() + manager.err()).isEqualTo(1);
		assertThat(manager.err()).contains("on worker " + a.id()).contains("./newsletter restart");
		var restart = manager().run("restart");

		assertThat(restart.exitCode()).as(restart + b.process().out()).isZero();
		Map<String, List<String>> received = received(a.smtp(), b.smtp());
		assertThat(received).as("nobody missed").hasSize(subscribers);
		long repeats = received.values().stream().mapToLong(ids -> ids.size() - 1).sum();
		assertThat(repeats).as("messages sent twice: at most the one in flight on each of the killed worker's connections")
			.isLessThanOrEqualTo(CONNECTIONS);
		assertThat(received.values()).as("a repeat has the same Message-ID")
			.allSatisfy(ids -> assertThat(new HashSet<>(ids)).hasSize(1));
		assertThat(b.process().out()).as("the restart's partitions went to the worker left").contains("COMPLETED");
		assertThat(postgres.count(databaseUrl, """
				SELECT COUNT(*) FROM send_partition p JOIN send_partition q ON p.step_execution_id < q.step_execution_id
				AND p.step_name = q.step_name AND p.worker_id <> 'manager' AND q.worker_id <> 'manager'
				AND q.claimed_at < COALESCE(p.ended_at, 9223372036854775807)""")).as("two workers never on one partition at once")
			.isZero();
	}

	@Test
	void withoutAWorkerTheRunSaysSoAndFailsWithinTheTimeoutThenRestartFinishesIt() throws Exception {
		importSubscribers(50);

		long start = System.nanoTime();
		var run = manager().with("newsletter.send.remote-timeout", "3s").run("run", CUTOFF);

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.out()).contains("no send worker is alive; waiting up to 3 s");
		assertThat(run.err()).contains("no send worker is alive").contains("./newsletter restart");
		var a = worker("a");
		var restart = manager().run("restart");
		assertThat(restart.exitCode()).as(restart + a.process().out()).isZero();
		assertThat(received(a.smtp())).hasSize(50);
	}

	@Test
	void remoteOnHsqldbIsRefusedInOneLine() throws Exception {
		Path dataDir = Files.createDirectories(e2e.dataDir().resolve("hsqldb"));
		var cli = new Cli(dataDir).with("newsletter.send.remote", true);

		var status = cli.run("status");
		var worker = new Cli(dataDir).run("worker");

		for (var refused : List.of(status, worker)) {
			assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
			assertThat(refused.err().lines().toList()).as(refused.toString()).singleElement().asString()
				.contains("newsletter.send.remote=true (and ./newsletter worker) needs PostgreSQL")
				.contains("HSQL Database Engine");
		}
	}

	/**
	 * Two services on one database, each with the schedule, as on two hosts: every tick is one
	 * job instance, so one issue, sent once; the one that loses the race logs it quietly; with
	 * one of them killed, the other goes on at the next tick.
	 */
	@Test
	void twoServicesOnOneDatabaseGiveOneIssuePerTickAndOneGoesOnWhenTheOtherDies() throws Exception {
		var smtp = smtp();
		importSubscribers(3);
		// one feed with a new post at every fetch, so that every tick has an issue to send
		e2e.feeds().handle("/now.xml", exchange -> {
			Instant published = Instant.now().minusSeconds(2);
			byte[] body = ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Now</title>"
					+ "<link>https://now.example/</link><description>a post at every fetch</description><item><title>Post "
					+ published + "</title><link>https://now.example/" + published.toEpochMilli() + "</link><guid>"
					+ published.toEpochMilli() + "</guid><pubDate>" + DateTimeFormatter.RFC_1123_DATE_TIME
						.format(published.atZone(ZoneOffset.UTC)) + "</pubDate><description>New.</description></item>"
					+ "</channel></rss>").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/rss+xml");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		});
		e2e.writeFeedList(List.of(), e2e.feeds().url("/now.xml"));
		String[] schedule = { "--newsletter.schedule=*/10 * * * * *", "--newsletter.schedule-catch-up=1s",
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtp.port() };
		var first = serve("first", schedule);
		var second = serve("second", schedule);
		await(() -> issues() >= 3, Duration.ofSeconds(150), first);

		Path firstLog = logOf("first");
		Path secondLog = logOf("second");
		var killed = scheduledRuns(firstLog) > 0 ? first : second;
		var survivor = killed == first ? second : first;
		Path survivorLog = killed == first ? secondLog : firstLog;
		killed.kill();
		long issuesBefore = issues();
		long survivorRunsBefore = scheduledRuns(survivorLog);
		await(() -> issues() > issuesBefore && scheduledRuns(survivorLog) > survivorRunsBefore, Duration.ofSeconds(90),
				survivor);

		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) - COUNT(DISTINCT cutoff) FROM issue")).as("one issue per tick")
			.isZero();
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) FROM issue WHERE status <> 'SENT'"))
			.as("every issue sent but the survivor's last and the one the kill cut short").isLessThanOrEqualTo(2);
		Map<String, List<String>> received = received(smtp);
		assertThat(received).hasSize(3).allSatisfy((address, ids) -> assertThat(ids).doesNotHaveDuplicates());
		for (Path log : List.of(firstLog, secondLog)) {
			assertThat(Files.readString(log)).as("no error in " + log).doesNotContain(" ERROR ");
		}
		assertThat(Files.readString(firstLog) + Files.readString(secondLog))
			.containsPattern("the tick of \\S+ (ran on another host|runs in process|already has execution)");
	}

	/** A worker in a JVM of its own, with its own data directory and SMTP server, once it says it is ready. */
	private Worker worker(String name) throws Exception {
		var smtp = smtp();
		Path dataDir = Files.createDirectories(e2e.dataDir().resolve("worker-" + name));
		var process = CliProcess.start(dataDir, EndToEnd.args(e2e.cli(dataDir).with("spring.mail.host", "127.0.0.1")
			.with("spring.mail.port", smtp.port()), "worker"));
		processes.add(process);
		await(() -> process.out().contains("Stop it with Ctrl-C"), Duration.ofSeconds(90), process);
		String id = process.out().lines().filter(line -> line.startsWith("Worker ")).findFirst().orElseThrow().split(" ")[1];
		return new Worker(id, process, smtp);
	}

	private record Worker(String id, CliProcess process, ScriptedSmtpServer smtp) {
	}

	private CliProcess serve(String name, String... settings) throws Exception {
		Path dataDir = Files.createDirectories(e2e.dataDir().resolve("serve-" + name));
		List<String> args = new ArrayList<>(List.of(EndToEnd.args(e2e.cli(dataDir).with("newsletter.feeds",
				e2e.dataDir().resolve("feeds.opml")), "serve", "--port=0")));
		args.addAll(List.of(settings));
		var process = CliProcess.start(dataDir, args.toArray(String[]::new));
		processes.add(process);
		return process;
	}

	/** How many scheduled runs the serve of {@code log} has started and seen end. */
	private static long scheduledRuns(Path log) throws java.io.IOException {
		return Files.exists(log) ? Files.readString(log).lines().filter(line -> line.contains("the scheduled run for ")).count() : 0;
	}

	private Path logOf(String serve) {
		return e2e.dataDir().resolve("serve-" + serve).resolve("logs/newsletter.log");
	}

	/** The run as an operator starts it on the manager's host: its own data directory, no SMTP settings. */
	private Cli manager() {
		return e2e.cli(e2e.dataDir()).with("newsletter.send.remote", true);
	}

	private ScriptedSmtpServer smtp() {
		var smtp = new ScriptedSmtpServer();
		smtpServers.add(smtp);
		return smtp;
	}

	private void importSubscribers(int count) {
		e2e.importSubscribers(IntStream.rangeClosed(1, count).mapToObj(i -> "reader" + i + "@example.org,Reader " + i)
			.toArray(String[]::new));
	}

	private long issues() {
		try (var connection = DriverManager.getConnection(databaseUrl, PostgresServer.USER, PostgresServer.PASSWORD);
				var result = connection.createStatement().executeQuery("SELECT COUNT(*) FROM issue")) {
			result.next();
			return result.getLong(1);
		}
		catch (java.sql.SQLException ex) {
			return 0; // not migrated yet
		}
	}

	/** Each recipient's Message-IDs over all the servers, in the order received. */
	private static Map<String, List<String>> received(ScriptedSmtpServer... servers) {
		Map<String, List<String>> ids = new HashMap<>();
		for (ScriptedSmtpServer server : servers) {
			for (String address : Set.copyOf(server.delivered())) {
				ids.computeIfAbsent(address, a -> new ArrayList<>()).addAll(server.messageIds(address));
			}
		}
		return ids;
	}

	private static void await(Condition condition, Duration within, CliProcess process) throws Exception {
		Instant deadline = Instant.now().plus(within);
		while (!condition.holds()) {
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("not within " + within + ":\n--- out\n" + process.out() + "--- err\n" + process.err());
			}
			Thread.sleep(100);
		}
	}

	private interface Condition {

		boolean holds() throws Exception;
	}
}
