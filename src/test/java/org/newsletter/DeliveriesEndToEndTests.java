package org.newsletter;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.newsletter.delivery.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deliveries} as the operator runs it after a weekly run in which the SMTP server
 * refused one address for good: fixture feeds over HTTP, a scripted SMTP server, the CLI.
 */
class DeliveriesEndToEndTests {

	private static final String REFUSAL = "550 5.1.1 <grace@example.org>: mailbox unavailable";

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-24")).withoutGreenMail();

	ScriptedSmtpServer smtp;

	@BeforeEach
	void start() throws IOException {
		smtp = new ScriptedSmtpServer();
		e2e.cli().with("spring.mail.host", "127.0.0.1").with("spring.mail.port", smtp.port());
	}

	@AfterEach
	void stop() throws IOException {
		smtp.close();
	}

	@Test
	void reportsEachSubscribersOutcomeOfTheLatestIssueThatIsNotADryRun() throws Exception {
		Files.writeString(e2e.dataDir().resolve("subscribers.csv"),
				"email,name\nada@example.org,Ada\ngrace@example.org,Grace\nmallory@example.org,=1+1\n");
		assertThat(e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString()).exitCode()).isZero();
		smtp.reply("grace@example.org", REFUSAL);
		var run = e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z");
		assertThat(run.exitCode()).as(run.toString()).isZero();
		var dryRun = e2e.cli().run("run", "--cutoff=2026-03-25T08:00:00Z", "--dry-run", "--send-empty");
		assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();

		var all = e2e.cli().run("deliveries");

		assertThat(all.exitCode()).as(all.toString()).isZero();
		List<CSVRecord> lines = csv(all.out());
		assertThat(lines.get(0).values()).containsExactly("email", "name", "status", "attempted_at", "smtp_reply",
				"message_id");
		assertThat(lines.subList(1, lines.size())).extracting(r -> r.get("email") + " " + r.get("status"))
			.containsExactly("ada@example.org sent", "grace@example.org failed", "mallory@example.org sent");
		CSVRecord refused = lines.get(2);
		assertThat(refused.get("smtp_reply")).contains(REFUSAL);
		assertThat(refused.get("attempted_at")).matches("2\\d{3}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
		assertThat(refused.get("message_id")).contains("@");
		assertThat(lines.get(3).get("name")).as("a formula cell, neutralised").isEqualTo("'=1+1");

		var ofTheDryRun = e2e.cli().run("deliveries", "--issue=2");
		assertThat(csv(ofTheDryRun.out())).extracting(r -> r.get("status")).containsExactly("status", "sent", "sent", "sent");

		var failed = e2e.cli().run("deliveries", "--status=failed");
		assertThat(csv(failed.out())).extracting(r -> r.get("email")).containsExactly("email", "grace@example.org");

		assertThat(e2e.cli().run("subscribers", "add", "linus@example.org", "Linus").exitCode()).isZero();
		var pending = e2e.cli().run("deliveries", "--status=pending");
		assertThat(pending.exitCode()).as(pending.toString()).isZero();
		assertThat(csv(pending.out())).extracting(r -> String.join(",", r.values()))
			.containsExactly(String.join(",", DeliveryReport.HEADER), "linus@example.org,Linus,pending,,,");

		Path file = e2e.dataDir().resolve("deliveries.csv");
		var written = e2e.cli().run("deliveries", "--issue=1", "--out=" + file);
		assertThat(written.exitCode()).as(written.toString()).isZero();
		assertThat(written.out()).isEmpty();
		assertThat(written.err()).contains("3 deliveries of issue 1").contains("written to " + file);
		assertThat(Files.readString(file)).isEqualTo(all.out());
		try (var files = Files.list(e2e.dataDir())) {
			assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(".part"));
		}

		var unknown = e2e.cli().run("deliveries", "--issue=99");
		assertThat(unknown.exitCode()).isEqualTo(2);
		assertThat(unknown.err().strip()).isEqualTo("newsletter: there is no issue 99 (the latest is 1)");
	}

	@Test
	void afterARunThatFailedBeforeSendingAnythingTheDefaultIsTheLatestIssueWithDeliveries() throws Exception {
		Files.writeString(e2e.dataDir().resolve("subscribers.csv"), "email,name\nada@example.org,Ada\ngrace@example.org,Grace\n");
		assertThat(e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString()).exitCode()).isZero();
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z").exitCode()).isZero();
		smtp.close();
		var failed = e2e.cli().with("newsletter.send.retry.backoff", "10ms")
			.run("run", "--cutoff=2026-03-25T08:00:00Z", "--send-empty");
		assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);

		var report = e2e.cli().run("deliveries");

		assertThat(report.exitCode()).as(report.toString()).isZero();
		assertThat(csv(report.out())).extracting(r -> r.get("email") + " " + r.get("status"))
			.containsExactly("email status", "ada@example.org sent", "grace@example.org sent");
		assertThat(csv(e2e.cli().run("deliveries", "--issue=2", "--status=pending").out())).hasSize(3);
	}

	@Test
	void beforeTheFirstIssueThereIsNothingToReport() {
		var result = e2e.cli().run("deliveries");

		assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
		assertThat(result.err()).contains("no issue yet");
		assertThat(result.out()).isEmpty();
		assertThat(e2e.cli().run("deliveries", "--help").out()).contains("--status=STATUS", "Examples:",
				"./newsletter deliveries --status=failed");
	}

	/** The records of a report, its header row first, each cell also by column name. */
	private static List<CSVRecord> csv(String text) throws IOException {
		return CSVFormat.RFC4180.builder()
			.setHeader(DeliveryReport.HEADER.toArray(String[]::new))
			.get()
			.parse(new StringReader(text))
			.getRecords();
	}
}
