package org.newsletter.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.issue.Issue;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class MessageFactoryTests {

	private static final String SUBJECT = "Café Python – Wöchentlich: 3 neue Beiträge, 14.03.2026 – 21.03.2026";

	@TempDir
	Path dataDir;

	@Test
	void aSubjectThatIsNotAsciiIsEncodedAsRfc2047EncodedWords() throws Exception {
		MimeMessage message = factory().build(issue(SUBJECT), new Subscriber(7, "ada@example.org", "Ada Løvelace", "active"));

		String raw = raw(message);
		String header = raw.substring(raw.indexOf("\r\nSubject: ") + 2, raw.indexOf("\r\n", raw.indexOf("\r\nSubject: ") + 2));
		assertThat(header).matches("Subject: =\\?UTF-8\\?[QB]\\?[!-~]+\\?=.*");
		assertThat(raw.lines().takeWhile(line -> !line.isEmpty()))
			.as("the header section is 7-bit")
			.allSatisfy(line -> assertThat(line).matches("[\\x20-\\x7e\\t]{0,998}"));
		assertThat(MimeUtility.unfold(message.getHeader("Subject")[0])).isNotEqualTo(SUBJECT);
		assertThat(message.getSubject()).isEqualTo(SUBJECT);
		assertThat(message.getHeader("To")[0]).startsWith("=?UTF-8?");
		assertThat(MimeUtility.decodeText(message.getHeader("To")[0])).isEqualTo("Ada Løvelace <ada@example.org>");
		assertThat(MimeUtility.decodeText(MimeUtility.unfold(message.getHeader("List-Id")[0])))
			.isEqualTo("Café Python – Wöchentlich <caf-python-w-chentlich.newsletter.example>");
	}

	@Test
	void anAsciiSubjectIsLeftReadable() throws Exception {
		MimeMessage message = factory().build(issue("Planet Python Weekly: 24 new posts"),
				new Subscriber(7, "ada@example.org", "Ada", "active"));

		assertThat(message.getHeader("Subject")[0]).isEqualTo("Planet Python Weekly: 24 new posts");
		assertThat(message.getHeader("To")[0]).isEqualTo("Ada <ada@example.org>");
	}

	@Test
	void aSubjectCutThroughAPlaceholderLosesTheRestOfIt() throws Exception {
		MimeMessage message = factory().build(issue("%%t.GREETING%% news for %%t.attr.company%% and %%t.attr.comp…"),
				new Subscriber(7, "ada@example.org", "Ada", "active", "{\"company\":\"Engines\"}"));

		assertThat(message.getSubject()).isEqualTo("Hello Ada, news for Engines and…");
	}

	@Test
	void theGreetingUsesTheFirstNameAttributeElseTheGivenNameElseNoName() {
		assertThat(MessageFactory.greeting(new Subscriber(7, "grace@example.org", "Hopper, Grace", "active")))
			.isEqualTo("Hello Grace,");
		assertThat(MessageFactory.greeting(new Subscriber(7, "grace@example.org", "Grace Brewster Hopper", "active")))
			.isEqualTo("Hello Grace,");
		assertThat(MessageFactory.greeting(new Subscriber(7, "grace@example.org", "Hopper, Grace",
				"active", "{\"first_name\":\"Amazing Grace\"}"))).isEqualTo("Hello Amazing Grace,");
		assertThat(MessageFactory.greeting(new Subscriber(7, "grace@example.org", "Hopper, Grace", "active",
				"{\"first_name\":\" \"}"))).as("a blank first_name").isEqualTo("Hello Grace,");
		assertThat(MessageFactory.greeting(new Subscriber(7, "grace@example.org", " ", "active"))).isEqualTo("Hello,");
		assertThat(MessageFactory.greeting(new Subscriber(7, "grace@example.org", null, "active"))).isEqualTo("Hello,");
	}

	@Test
	void theMessageGreetsByTheGivenName() throws Exception {
		MimeMessage message = factory().build(issue("News"), new Subscriber(7, "grace@example.org", "Hopper, Grace", "active"));

		assertThat(raw(message)).contains("Hello Grace,").doesNotContain("Hello Hopper");
	}

	private MessageFactory factory() throws Exception {
		NewsletterProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
				"newsletter.data-dir", dataDir.toString(),
				"newsletter.title", "Café Python – Wöchentlich",
				"newsletter.unsubscribe-secret", "test-secret")))
			.bindOrCreate("newsletter", NewsletterProperties.class);
		return new MessageFactory(properties, new UnsubscribeLinks(properties), new DkimSigner(properties));
	}

	private static Issue issue(String subject) {
		return new Issue(1, 1, Instant.parse("2026-03-21T00:00:00Z"), Instant.parse("2026-03-14T00:00:00Z"), false,
				"COMPOSED", subject, "t", "<p>%%t.GREETING%%</p>", "%%t.GREETING%%\n", 3, 1);
	}

	private static String raw(MimeMessage message) throws Exception {
		var out = new ByteArrayOutputStream();
		message.writeTo(out);
		return out.toString(StandardCharsets.US_ASCII);
	}
}
