package org.newsletter.bounce;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every message of the fixture set (src/test/resources/bounces) read as what it is. */
class BounceParserTests {

	private static final Map<String, String> VALUES = Map.of("RETURN_PATH", "bounces+3-7-abcdefghij@newsletter.example",
			"RECIPIENT", "grace@example.net", "MESSAGE_ID", "<issue-3.subscriber-7@newsletter.example>", "FROM",
			"weekly@newsletter.example", "SUBJECT", "Planet Python Weekly #3: Some Things Just Take Time");

	/** What each fixture is: "hard 5.1.1", "soft 4.2.2", or the reason it is not a bounce. */
	private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

	static {
		EXPECTED.put("postfix-dsn-user-unknown.eml", "hard 5.1.1");
		EXPECTED.put("sendmail-dsn-mailbox-full-given-up.eml", "soft 4.2.2");
		EXPECTED.put("opensmtpd-dsn-delayed.eml", "DELAY_WARNING");
		EXPECTED.put("office365-ndr-recipient-not-found.eml", "hard 5.1.10");
		EXPECTED.put("gmail-dsn-address-not-found.eml", "hard 5.1.1");
		EXPECTED.put("gmail-text-failed-permanently.eml", "hard 5.1.1");
		EXPECTED.put("qmail-no-mailbox.eml", "hard 5.1.1");
		EXPECTED.put("exim-text-unknown-user.eml", "hard 5.1.1");
		EXPECTED.put("exim-text-retry-timeout.eml", "soft unknown");
		EXPECTED.put("yahoo-text-no-account.eml", "hard 5.0.0");
		EXPECTED.put("exchange2003-text-mailbox-full.eml", "soft 5.2.2");
		EXPECTED.put("dsn-refused-as-spam.eml", "soft 5.7.1");
		EXPECTED.put("autoreply-rfc3834-away.eml", "AUTO_REPLY");
		EXPECTED.put("autoreply-outlook-out-of-office.eml", "AUTO_REPLY");
		EXPECTED.put("autoreply-subject-only.eml", "AUTO_REPLY");
		EXPECTED.put("autoreply-apple-vacation.eml", "AUTO_REPLY");
		EXPECTED.put("person-reply.eml", "OTHER");
		EXPECTED.put("read-receipt-mdn.eml", "OTHER");
		EXPECTED.put("arf-complaint.eml", "OTHER");
	}

	private final BounceParser parser = new BounceParser();

	@Test
	void everyFixtureHasAnExpectation() {
		assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(BounceFixtures.names());
	}

	@ParameterizedTest
	@MethodSource("org.newsletter.bounce.BounceFixtures#names")
	void eachFixtureIsReadAsWhatItIs(String fixture) throws Exception {
		Reading reading = parser.read(message(BounceFixtures.filled(fixture, VALUES)));

		assertThat(describe(reading)).as(fixture + ": " + reading).isEqualTo(EXPECTED.get(fixture));
	}

	@ParameterizedTest
	@MethodSource("org.newsletter.bounce.BounceFixtures#names")
	void aBounceNamesTheFailedAddressAndSaysWhyInOneLine(String fixture) throws Exception {
		Reading reading = parser.read(message(BounceFixtures.filled(fixture, VALUES)));

		if (reading instanceof Reading.Bounce bounce) {
			assertThat(bounce.diagnostic()).as(fixture).isNotBlank().doesNotContain("\n").hasSizeLessThanOrEqualTo(1000);
			if (!bounce.recipients().isEmpty()) {
				assertThat(bounce.recipients()).as(fixture).contains("grace@example.net");
			}
		}
	}

	@Test
	void theReportsDiagnosticIsKeptUnfoldedWithoutItsType() throws Exception {
		var bounce = (Reading.Bounce) parser.read(message(BounceFixtures.filled("postfix-dsn-user-unknown.eml", VALUES)));

		assertThat(bounce.diagnostic()).isEqualTo(
				"550 5.1.1 <grace@example.net>: Recipient address rejected: User unknown in virtual mailbox table");
	}

	@Test
	void aBounceInWordsQuotesTheLineThatSaysWhy() throws Exception {
		var qmail = (Reading.Bounce) parser.read(message(BounceFixtures.filled("qmail-no-mailbox.eml", VALUES)));

		assertThat(qmail.diagnostic()).isEqualTo("Sorry, no mailbox here by that name. (#5.1.1)");
	}

	@Test
	void hardOrSoftFollowsTheStatusClassExceptForFullMailboxesAndPolicyRefusals() {
		assertThat(BounceParser.kind("5.1.1")).isEqualTo(Reading.Kind.HARD);
		assertThat(BounceParser.kind("5.4.4")).isEqualTo(Reading.Kind.HARD);
		assertThat(BounceParser.kind("5.0.0")).isEqualTo(Reading.Kind.HARD);
		assertThat(BounceParser.kind("5.2.2")).isEqualTo(Reading.Kind.SOFT);
		assertThat(BounceParser.kind("5.7.1")).isEqualTo(Reading.Kind.SOFT);
		assertThat(BounceParser.kind("4.2.2")).isEqualTo(Reading.Kind.SOFT);
		assertThat(BounceParser.kind("4.4.7")).isEqualTo(Reading.Kind.SOFT);
		assertThat(BounceParser.kind(null)).isEqualTo(Reading.Kind.SOFT);
	}

	@Test
	void aMessageThatIsNotMimeAtAllIsOtherNotAnError() throws Exception {
		Reading reading = parser.read(message("this is not a message\r\n\u0000\u0001 at all"));

		assertThat(reading).isInstanceOf(Reading.NotBounce.class);
		assertThat(((Reading.NotBounce) reading).why()).isEqualTo(Reading.Why.OTHER);
	}

	private static String describe(Reading reading) {
		if (reading instanceof Reading.Bounce bounce) {
			return bounce.kind().column() + " " + bounce.status();
		}
		return ((Reading.NotBounce) reading).why().name();
	}

	static MimeMessage message(String text) throws Exception {
		return new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
	}
}
