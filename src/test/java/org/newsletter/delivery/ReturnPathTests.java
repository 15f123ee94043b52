package org.newsletter.delivery;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.DkimKeys;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.TestProperties;
import org.newsletter.issue.Issue;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each message's own envelope sender (its VERP return path) reaches the SMTP server's MAIL FROM,
 * DKIM-signed or not, one message after another over one connection; a message without one goes
 * out with the default (the From address).
 */
class ReturnPathTests {

	private static final DkimKeys KEYS = DkimKeys.generate();

	private static final ReturnPaths VERP = (issueId, subscriberId) -> "bounces+" + issueId + "-" + subscriberId
			+ "@newsletter.example";

	@TempDir
	Path dir;

	private final GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

	@BeforeEach
	void start() {
		smtp.start();
	}

	@AfterEach
	void stop() {
		smtp.stop();
	}

	@Test
	void everyMessageGoesOutWithItsOwnEnvelopeSenderSignedOrNot() throws Exception {
		NewsletterProperties plain = properties(Map.of());
		NewsletterProperties signed = properties(Map.of("newsletter.dkim.domain", "newsletter.example",
				"newsletter.dkim.selector", "news2026", "newsletter.dkim.private-key",
				KEYS.writePrivateKey(dir.resolve("dkim.pem")).toString()));
		var verp = new MessageFactory(plain, new UnsubscribeLinks(plain), new DkimSigner(plain), VERP);
		var verpSigned = new MessageFactory(signed, new UnsubscribeLinks(signed), new DkimSigner(signed), VERP);
		var standard = new MessageFactory(plain, new UnsubscribeLinks(plain), new DkimSigner(plain));

		try (var sender = new SmtpSender(mail(), plain.send().retry(), plain.send().timeout())) {
			for (MimeMessage message : List.of(verp.build(issue(), subscriber(7)), verpSigned.build(issue(), subscriber(8)),
					standard.build(issue(), subscriber(9)), verp.build(issue(), subscriber(10)))) {
				assertThat(sender.send(message).status()).isEqualTo(DeliveryStatus.SENT);
			}
		}

		assertThat(smtp.getReceivedMessages()).extracting(m -> m.getHeader("Return-Path", null))
			.containsExactly("<bounces+3-7@newsletter.example>", "<bounces+3-8@newsletter.example>",
					"<weekly@newsletter.example>", "<bounces+3-10@newsletter.example>");
		assertThat(smtp.getReceivedMessages()[1].getHeader("DKIM-Signature")).isNotNull();
	}

	private JavaMailSenderImpl mail() {
		var mail = new JavaMailSenderImpl();
		mail.setHost("127.0.0.1");
		mail.setPort(smtp.getSmtp().getPort());
		return mail;
	}

	private NewsletterProperties properties(Map<String, String> settings) {
		Map<String, String> all = new HashMap<>(settings);
		all.put("newsletter.data-dir", dir.toString());
		all.put("newsletter.unsubscribe-secret", "test-secret");
		all.put("newsletter.from", "Weekly <weekly@newsletter.example>");
		return TestProperties.of(all);
	}

	private static Subscriber subscriber(long id) {
		return new Subscriber(id, "reader" + id + "@example.org", "Reader", "active");
	}

	private static Issue issue() {
		String token = "t0k3n";
		String greeting = "%%" + token + ".GREETING%%";
		String unsubscribe = "%%" + token + ".UNSUBSCRIBE_URL%%";
		return new Issue(3, 1, java.time.Instant.parse("2026-03-24T08:00:00Z"), java.time.Instant.parse("2026-03-17T08:00:00Z"),
				false, "COMPOSED", "Weekly: 1 new post", token, "<p>" + greeting + "</p><a href=\"" + unsubscribe + "\">Unsubscribe</a>",
				greeting + "\n\nUnsubscribe: " + unsubscribe + "\n", 1, 1);
	}
}
