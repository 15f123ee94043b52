package org.newsletter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.newsletter.bounce.BounceFixtures;
import org.newsletter.delivery.DeliveryReport;
import org.newsletter.subscriber.Subscriber;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounces as they happen: the CLI sends an issue over SMTP with VERP return paths, reports of
 * failed deliveries (and an out-of-office reply, and a forged report) arrive in the bounce mailbox
 * of the same GreenMail, and the next run reads them over IMAP or POP3 before it sends: the hard
 * bounces' subscribers end {@code bounced} and are not mailed again, the soft bounce is recorded
 * and its subscriber stays active, the reply and the forgery are left in the mailbox and counted.
 */
class BounceEndToEndTests {

	private static final String RETURN_PATH = "bounces@newsletter.example";

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-24")).withoutGreenMail();

	/** SMTP for the newsletter, IMAP and POP3 for the bounce mailbox, one store behind them. */
	private GreenMail mail;

	private GreenMailUser bounces;

	@BeforeEach
	void start() {
		mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_POP3_IMAP));
		mail.start();
		bounces = mail.setUser(RETURN_PATH, "bounces", "bounce-secret");
		e2e.cli()
			.with("spring.mail.host", "127.0.0.1")
			.with("spring.mail.port", mail.getSmtp().getPort())
			.with("newsletter.bounce.return-path", RETURN_PATH)
			.with("newsletter.bounce.host", "127.0.0.1")
			.with("newsletter.bounce.username", "bounces")
			.with("newsletter.bounce.password", "bounce-secret");
		e2e.importSubscribers("ada@example.org,Ada", "grace@example.org,Grace", "linus@example.org,Linus",
				"mary@example.org,Mary");
	}

	@AfterEach
	void stop() {
		mail.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { "imap", "pop3" })
	void hardBouncesEndBouncedAndUnmailedWhileTheSoftOneTheReplyAndAForgeryChangeNobody(String protocol) throws Exception {
		e2e.cli().with("newsletter.bounce.protocol", protocol)
			.with("newsletter.bounce.port", protocol.equals("imap") ? mail.getImap().getPort() : mail.getPop3().getPort());
		String mailbox = protocol + "://bounces@127.0.0.1:"
				+ (protocol.equals("imap") ? mail.getImap().getPort() + "/INBOX" : mail.getPop3().getPort());
		String left = protocol.equals("imap") ? "left unread" : "left in the mailbox";

		var first = e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z");

		assertThat(first.exitCode()).as(first.toString()).isZero();
		assertThat(first.out()).contains("bounces: nothing new in " + mailbox, "send: 4/4 messages");
		Map<String, MimeMessage> sent = sentTo("ada", "grace", "linus", "mary");
		sent.forEach((name, message) -> assertThat(header(message, "Return-Path"))
			.as("the envelope sender GreenMail saw for " + name)
			.matches("<bounces\\+1-\\d+-[a-z2-7]{10}@newsletter\\.example>"));
		assertThat(sent.values().stream().map(m -> header(m, "Return-Path")).distinct()).hasSize(4);

		// the reports come back to the return path each message was sent with; mary's relay rewrote
		// it to the bare one, so hers is found by the Message-ID it quotes
		deliver("postfix-dsn-user-unknown.eml", sent.get("ada"), true);
		deliver("sendmail-dsn-mailbox-full-given-up.eml", sent.get("grace"), true);
		deliver("autoreply-rfc3834-away.eml", sent.get("linus"), true);
		deliver("qmail-no-mailbox.eml", sent.get("mary"), false);
		deliverForgery(sent.get("linus"));

		var second = e2e.cli().run("run", "--cutoff=2026-03-31T08:00:00Z", "--send-empty");

		assertThat(second.exitCode()).as(second.toString()).isZero();
		assertThat(second.out()).contains("bounces: 5 new messages in " + mailbox + ": 3 bounces recorded (2 hard, 1 soft); "
				+ "2 subscribers marked bounced; 2 " + left + ": 1 automatic reply, 1 bounce of no delivery of ours",
				"send: 2/2 messages");
		assertThat(recipientsOfIssue(2)).containsExactlyInAnyOrder("grace@example.org", "linus@example.org");
		assertThat(statuses()).containsExactly("ada@example.org bounced", "grace@example.org active",
				"linus@example.org active", "mary@example.org bounced");
		var exported = e2e.cli().run("subscribers", "export", "-");
		assertThat(exported.out().lines()).anyMatch(line -> line.startsWith("ada@example.org,Ada,bounced,"))
			.anyMatch(line -> line.startsWith("grace@example.org,Grace,active,"));
		if (protocol.equals("imap")) {
			assertThat(mailboxState()).containsExactlyInAnyOrder("seen Undelivered Mail Returned to Sender",
					"seen Returned mail: see transcript for details", "unseen Away until April 7", "seen failure notice",
					"unseen Undelivered Mail Returned to Sender");
		}
		else { // POP3 has no flags (GreenMail marks what a client retrieved as seen): the recorded bounces are deleted
			assertThat(mailboxState()).extracting(state -> state.replaceFirst("^(un)?seen ", ""))
				.containsExactlyInAnyOrder("Away until April 7", "Undelivered Mail Returned to Sender");
		}

		var report = csv(e2e.cli().run("deliveries", "--issue=1").out());
		assertThat(report).extracting(r -> r.get("email") + " " + r.get("status"))
			.containsExactly("email status", "ada@example.org bounced", "grace@example.org bounced",
					"linus@example.org sent", "mary@example.org bounced");
		assertThat(report.get(1).get("smtp_reply")).contains("bounced (hard) 5.1.1: 550 5.1.1 <ada@example.org>: "
				+ "Recipient address rejected: User unknown in virtual mailbox table");
		assertThat(report.get(2).get("smtp_reply")).contains("bounced (soft) 4.2.2: 452 4.2.2 <grace@example.org>... Mailbox full");
		assertThat(report.get(4).get("smtp_reply")).contains("bounced (hard) 5.1.1: Sorry, no mailbox here by that name. (#5.1.1)");
		assertThat(csv(e2e.cli().run("deliveries", "--issue=1", "--status=bounced").out())).extracting(r -> r.get("email"))
			.containsExactly("email", "ada@example.org", "grace@example.org", "mary@example.org");
		assertThat(csv(e2e.cli().run("deliveries", "--issue=1", "--status=sent").out())).extracting(r -> r.get("email"))
			.containsExactly("email", "linus@example.org");

		// the same report again (a crash after recording it, before setting it aside) changes nothing
		deliver("postfix-dsn-user-unknown.eml", sent.get("ada"), true);

		var third = e2e.cli().run("run", "--cutoff=2026-04-07T08:00:00Z", "--send-empty");

		assertThat(third.exitCode()).as(third.toString()).isZero();
		assertThat(third.out()).contains("bounces: 3 new messages in " + mailbox + ": 1 bounce recorded before; 2 " + left
				+ ": 1 automatic reply, 1 bounce of no delivery of ours", "send: 2/2 messages");
		assertThat(recipientsOfIssue(3)).containsExactlyInAnyOrder("grace@example.org", "linus@example.org");
		assertThat(statuses()).containsExactly("ada@example.org bounced", "grace@example.org active",
				"linus@example.org active", "mary@example.org bounced");
	}

	@Test
	void softBouncesInARowMarkTheSubscriberOnceTheSoftLimitIsReached() throws Exception {
		e2e.cli().with("newsletter.bounce.protocol", "imap").with("newsletter.bounce.port", mail.getImap().getPort())
			.with("newsletter.bounce.soft-limit", 2);
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z").exitCode()).isZero();
		deliver("sendmail-dsn-mailbox-full-given-up.eml", sentTo("grace").get("grace"), true);
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-31T08:00:00Z", "--send-empty").out())
			.contains("1 bounce recorded (0 hard, 1 soft)").doesNotContain("marked bounced");
		MimeMessage secondIssue = Arrays.stream(mail.getReceivedMessages())
			.filter(m -> header(m, "To").contains("grace@example.org") && header(m, "Message-ID").startsWith("<issue-2."))
			.findFirst()
			.orElseThrow();
		deliver("exim-text-retry-timeout.eml", secondIssue, true);

		var third = e2e.cli().run("run", "--cutoff=2026-04-07T08:00:00Z", "--send-empty");

		assertThat(third.out()).as(third.toString())
			.contains("1 bounce recorded (0 hard, 1 soft); 1 subscriber marked bounced", "send: 3/3 messages");
		assertThat(statuses()).contains("grace@example.org bounced");
		assertThat(recipientsOfIssue(3)).doesNotContain("grace@example.org");

		// forgetting her takes her bounces too: their words quote her address
		assertThat(e2e.cli().run("subscribers", "forget", "grace@example.org").exitCode()).isZero();
		var report = e2e.cli().run("deliveries", "--issue=1");
		assertThat(report.out()).doesNotContain("grace@example.org").doesNotContain("bounced");
		assertThat(csv(report.out())).extracting(r -> r.get("email") + " " + r.get("status")).contains("forgotten sent");
	}

	@Test
	void aMailboxThatCannotBeReachedIsOneWarningAndTheRunGoesOn() throws Exception {
		int closed;
		try (var socket = new java.net.ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		e2e.cli().with("newsletter.bounce.protocol", "imap").with("newsletter.bounce.port", closed);

		var run = e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out().lines().filter(line -> line.startsWith("bounces: "))).singleElement().asString()
			.startsWith("bounces: WARNING cannot read the bounce mailbox imap://bounces@127.0.0.1:" + closed + "/INBOX: ")
			.endsWith("; the run goes on without it")
			.doesNotContain("bounce-secret");
		assertThat(run.err()).doesNotContain("bounce-secret");
		assertThat(run.out()).contains("send: 4/4 messages");

		var withoutMailbox = e2e.cli().with("newsletter.bounce.host", "").run("run", "--cutoff=2026-03-31T08:00:00Z",
				"--send-empty");
		assertThat(withoutMailbox.out()).as(withoutMailbox.toString())
			.contains("bounces: no bounce mailbox is configured (newsletter.bounce.host); not read");
	}

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void theServiceReadsTheMailboxEveryPollBetweenRuns() throws Exception {
		e2e.cli().with("newsletter.bounce.protocol", "imap").with("newsletter.bounce.port", mail.getImap().getPort());
		List<String> args = new ArrayList<>(List.of("serve", "--port=0"));
		args.addAll(e2e.cli().settings());
		args.add("--newsletter.bounce.poll=1s");
		var service = CliProcess.start(e2e.dataDir(), args.toArray(String[]::new));
		try {
			await(() -> service.out().contains("Every other command works beside it"), service);
			var run = e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z");
			assertThat(run.exitCode()).as(run.toString()).isZero();

			deliver("postfix-dsn-user-unknown.eml", sentTo("ada").get("ada"), true);

			await(() -> statuses().contains("ada@example.org bounced"), service);
			assertThat(statuses()).containsExactly("ada@example.org bounced", "grace@example.org active",
					"linus@example.org active", "mary@example.org active");
		}
		finally {
			service.stop();
		}
		assertThat(Files.readString(e2e.dataDir().resolve("logs/newsletter.log"))).contains("the bounce mailbox is read every PT1S",
				"bounces: 1 new message in imap://bounces@127.0.0.1:" + mail.getImap().getPort()
						+ "/INBOX: 1 bounce recorded (1 hard, 0 soft); 1 subscriber marked bounced");
	}

	private static void await(BooleanSupplier condition, CliProcess process) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("not within 60 s:\n--- out\n" + process.out() + "--- err\n" + process.err());
			}
			Thread.sleep(200);
		}
	}

	// --- the mailbox

	/** Puts fixture {@code name}, about {@code original}, into the bounce mailbox, sent back to its VERP return path or not. */
	private void deliver(String name, MimeMessage original, boolean toReturnPath) throws Exception {
		String returnPath = header(original, "Return-Path").replaceAll("[<>]", "");
		Map<String, String> values = new HashMap<>();
		values.put("RETURN_PATH", toReturnPath ? returnPath : RETURN_PATH);
		values.put("RECIPIENT", original.getAllRecipients()[0].toString().replaceAll(".*<|>.*", ""));
		values.put("MESSAGE_ID", original.getMessageID());
		values.put("FROM", "weekly@newsletter.example");
		values.put("SUBJECT", "Planet Python Weekly");
		bounces.deliver(parse(BounceFixtures.filled(name, values)));
	}

	/** A hard bounce naming {@code original}'s recipient, sent to a return path whose MAC was guessed. */
	private void deliverForgery(MimeMessage original) throws Exception {
		String forged = header(original, "Return-Path").replaceAll("[<>]", "").replaceAll("-[a-z2-7]{10}@", "-aaaaaaaaaa@");
		bounces.deliver(parse(BounceFixtures.filled("postfix-dsn-user-unknown.eml", Map.of("RETURN_PATH", forged, "RECIPIENT",
				original.getAllRecipients()[0].toString().replaceAll(".*<|>.*", ""), "MESSAGE_ID",
				"<forged-1@elsewhere.example>", "FROM", "weekly@newsletter.example", "SUBJECT", "Planet Python Weekly"))));
	}

	/** Each message in the bounce mailbox: {@code seen} or {@code unseen}, and its subject. */
	private List<String> mailboxState() throws Exception {
		return mail.getManagers().getImapHostManager().getInbox(bounces).getMessages().stream()
			.map(BounceEndToEndTests::state)
			.toList();
	}

	private static String state(StoredMessage message) {
		try {
			return (message.isSet(Flags.Flag.SEEN) ? "seen " : "unseen ") + message.getMimeMessage().getSubject();
		}
		catch (jakarta.mail.MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static MimeMessage parse(String text) throws Exception {
		return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
	}

	// --- what the newsletter sent and recorded

	/** The first issue's message to each of these subscribers (local parts of {@code @example.org}), by name. */
	private Map<String, MimeMessage> sentTo(String... names) {
		Map<String, MimeMessage> sent = new HashMap<>();
		for (String name : names) {
			sent.put(name, Arrays.stream(mail.getReceivedMessages())
				.filter(m -> header(m, "To").contains(name + "@example.org") && header(m, "Message-ID").startsWith("<issue-1."))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no message of issue 1 to " + name)));
		}
		return sent;
	}

	private List<String> recipientsOfIssue(long issue) {
		return Arrays.stream(mail.getReceivedMessages())
			.filter(m -> header(m, "Message-ID").startsWith("<issue-" + issue + "."))
			.map(m -> header(m, "To").replaceAll(".*<|>.*", ""))
			.toList();
	}

	/** {@code subscribers list}: each subscriber's address and status, in list order. */
	private List<String> statuses() {
		var list = e2e.cli().run("subscribers", "list");
		assertThat(list.exitCode()).as(list.toString()).isZero();
		return list.out().lines()
			.filter(line -> line.contains("@"))
			.map(line -> line.strip().split("\\s+"))
			.map(cells -> Arrays.stream(cells).filter(c -> c.contains("@")).findFirst().orElse("?") + " "
					+ Arrays.stream(cells).filter(Subscriber.STATUSES::contains).findFirst().orElse("?"))
			.toList();
	}

	private static String header(MimeMessage message, String name) {
		try {
			String value = message.getHeader(name, ", ");
			return value == null ? "" : value;
		}
		catch (jakarta.mail.MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<CSVRecord> csv(String text) throws IOException {
		return CSVFormat.RFC4180.builder()
			.setHeader(DeliveryReport.HEADER.toArray(String[]::new))
			.get()
			.parse(new StringReader(text))
			.getRecords();
	}
}
