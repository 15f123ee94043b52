package org.newsletter;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.jayway.jsonpath.JsonPath;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job repository and the app tables on PostgreSQL, chosen by {@code spring.datasource.*}
 * alone: a throwaway PostgreSQL cluster ({@link PostgresServer}) for the class; for each test a
 * database of its own and the {@link EndToEnd} fixture: feeds over HTTP, a real SMTP server
 * (GreenMail), the command line.
 */
class PostgresEndToEndTests {

	private static final String CUTOFF = "--cutoff=2026-03-24T08:00:00Z";

	private static final int SUBSCRIBERS = 20;

	private static PostgresServer postgres;

	/** Chunks of 5, so the send step reads several pages; the database is set per test. */
	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(WeeklyDigestEndToEndTests.planet("march-20")).with("newsletter.send.chunk-size", 5);

	String databaseUrl;

	/** What this machine lacks for the tests (MachineTools), or null. */
	private static String missing;

	@BeforeAll
	static void startPostgres() throws Exception {
		missing = PostgresServer.missingFor(PostgresEndToEndTests.class);
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
	void start(TestInfo test) throws Exception {
		Assumptions.assumeTrue(missing == null, missing);
		databaseUrl = postgres.useNewDatabase(e2e.cli(), test.getTestMethod().orElseThrow().getName().toLowerCase());
		e2e.writePlanetFeedList();
	}

	@Test
	void subscribersAreImportedListedAndRemoved() throws IOException {
		Files.writeString(e2e.dataDir().resolve("subscribers.csv"), """
				email,name,status
				ada@example.org,Ada Lovelace,
				grace@EXAMPLE.org,Grace Hopper,active
				not-an-address,Nobody,
				alan@example.org,Alan Turing,unsubscribed
				""");

		// The URL alone: the credentials ride in it, nothing of the HSQLDB settings gets in the way.
		Cli cli = new Cli(e2e.dataDir()).with("spring.datasource.url",
				databaseUrl + "?user=" + PostgresServer.USER + "&password=" + PostgresServer.PASSWORD);

		var imported = cli.run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString());

		assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(2);
		assertThat(imported.out()).contains("3 imported (3 added, 0 updated, 0 unchanged), 1 rejected");
		assertThat(imported.err()).contains("line 4");
		var all = cli.run("subscribers", "list");
		assertThat(all.exitCode()).as(all.toString()).isZero();
		assertThat(all.out()).contains("ada@example.org", "grace@example.org", "alan@example.org");
		assertThat(cli.run("subscribers", "remove", "ada@example.org").exitCode()).isZero();
		var active = cli.run("subscribers", "list", "--status=active");
		assertThat(active.out().lines()).singleElement().asString().contains("grace@example.org", "Grace Hopper");
		var again = cli.run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString());
		assertThat(again.out()).as("an import re-activates nobody").contains("0 added, 0 updated, 3 unchanged");
	}

	@Test
	void twoWeeklyRunsSendTheExpectedIssuesAndTheSameCutoffIsRefused() throws Exception {
		e2e.importSubscribers("ada@example.org,Ada", "grace@example.org,Grace");
		List<Map<String, Object>> runs = JsonPath.read(WeeklyDigestEndToEndTests.fixture("planet/expected.json").toFile(),
				"$.runs");

		var first = e2e.cli().run("run", "--cutoff=" + runs.get(0).get("cutoff"));
		assertThat(first.exitCode()).as(first.toString()).isZero();
		assertThat(first.out()).contains("fetch: 21/21 feeds ok", "24 entries eligible from 13 sources", "send: 2/2 messages");
		WeeklyDigestEndToEndTests.assertDigest(e2e.smtp().getReceivedMessages(), runs.get(0));

		e2e.smtp().purgeEmailFromAllMailboxes();
		e2e.feeds().serve(WeeklyDigestEndToEndTests.planet("march-24"));
		var second = e2e.cli(e2e.dataDir()).with("newsletter.lateness", runs.get(1).get("lateness"))
			.run("run", "--cutoff=" + runs.get(1).get("cutoff"));
		assertThat(second.exitCode()).as(second.toString()).isZero();
		WeeklyDigestEndToEndTests.assertDigest(e2e.smtp().getReceivedMessages(), runs.get(1));

		e2e.smtp().purgeEmailFromAllMailboxes();
		var same = e2e.cli().run("run", "--cutoff=" + runs.get(1).get("cutoff"));
		assertThat(same.exitCode()).isEqualTo(3);
		assertThat(same.err()).contains("already run");
		assertThat(e2e.smtp().getReceivedMessages()).isEmpty();
		assertThat(e2e.cli().run("status").out()).contains("COMPLETED").contains("2/0");
		assertThat(e2e.dataDir().resolve("db")).as("no HSQLDB database was opened").doesNotExist();
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) FROM delivery")).isEqualTo(4);
	}

	@Test
	void besideARunningServiceEveryCommandConnectsToPostgresDirectly() throws Exception {
		e2e.importSubscribers("ada@example.org,Ada Lovelace");
		var service = CliProcess.start(e2e.dataDir(), e2e.args("serve", "--port=0"));
		try {
			long deadline = System.currentTimeMillis() + 60_000;
			while (!service.out().contains("Every other command works beside it")) {
				assertThat(System.currentTimeMillis()).as("serve started within 60 s: " + service.err()).isLessThan(deadline);
				Thread.sleep(50);
			}

			var added = e2e.cli().run("subscribers", "add", "bob@example.org", "Bob");
			var list = e2e.cli().run("subscribers", "list");
			var status = e2e.cli().run("status");

			assertThat(added.exitCode()).as(added.toString()).isZero();
			assertThat(list.out()).as(list.toString()).contains("ada@example.org", "bob@example.org");
			assertThat(status.exitCode()).as(status.toString()).isZero();
			assertThat(e2e.dataDir().resolve("db")).as("no HSQLDB database was opened").doesNotExist();
		}
		finally {
			service.stop();
		}
	}

	@Test
	void killedWhileSendingThenRestartedMissesNobody() throws Exception {
		e2e.feeds().serve(WeeklyDigestEndToEndTests.planet("march-24"));
		e2e.importSubscribers(IntStream.rangeClosed(1, SUBSCRIBERS)
			.mapToObj(i -> "reader" + i + "@example.org,Reader " + i)
			.toArray(String[]::new));
		var process = CliProcess.start(e2e.dataDir(), e2e.args("run", CUTOFF, "--newsletter.send.rate-limit=10"));
		long deadline = System.currentTimeMillis() + 60_000;
		while (e2e.smtp().getReceivedMessages().length < 6) {
			assertThat(System.currentTimeMillis()).as("messages within 60 s: " + process.err()).isLessThan(deadline);
			Thread.sleep(5);
		}
		process.kill();

		var restart = e2e.cli().run("restart");

		assertThat(restart.exitCode()).as(restart.toString()).isZero();
		assertThat(restart.out()).contains("recovering it");
		Map<String, Long> perRecipient = perRecipient(e2e.smtp().getReceivedMessages());
		assertThat(perRecipient).hasSize(SUBSCRIBERS);
		assertThat(perRecipient.values().stream().mapToLong(count -> count - 1).sum())
			.as("messages sent twice: at most the one in flight on each of the 4 connections")
			.isLessThanOrEqualTo(4);
		assertThat(e2e.cli().run("status").out()).contains("COMPLETED").contains(SUBSCRIBERS + "/0");
	}

	@Test
	void aForgottenSubscribersDeliveriesStayCountedWithoutTheAddressAndAReimportIsRefused() throws Exception {
		e2e.importSubscribers("ada@example.org,Ada", "grace@example.org,Grace");
		List<Map<String, Object>> runs = JsonPath.read(WeeklyDigestEndToEndTests.fixture("planet/expected.json").toFile(),
				"$.runs");
		assertThat(e2e.cli().run("run", "--cutoff=" + runs.get(0).get("cutoff")).exitCode()).isZero();

		var forget = e2e.cli().run("subscribers", "forget", "Grace@example.org");

		assertThat(forget.exitCode()).as(forget.toString()).isZero();
		assertThat(e2e.cli().run("deliveries").out().lines().skip(1).map(line -> line.split(",")[0] + " " + line.split(",")[2]))
			.containsExactly("ada@example.org sent", "forgotten sent");
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) FROM delivery")).isEqualTo(2);
		assertThat(postgres.count(databaseUrl, "SELECT COUNT(*) FROM subscriber WHERE email_key = 'grace@example.org'")).isZero();
		var again = e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString());
		assertThat(again.exitCode()).isEqualTo(2);
		assertThat(again.err()).contains("forgotten at the person's request");
	}

	private static Map<String, Long> perRecipient(MimeMessage[] received) throws Exception {
		List<String> recipients = new ArrayList<>();
		for (MimeMessage message : Arrays.asList(received)) {
			recipients.add(((InternetAddress) message.getAllRecipients()[0]).getAddress());
		}
		return recipients.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}
}
