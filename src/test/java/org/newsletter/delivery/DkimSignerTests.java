package org.newsletter.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.config.BadInputException;
import org.newsletter.DkimKeys;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.TestProperties;
import org.newsletter.issue.Issue;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.UnsubscribeLinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DkimSignerTests {

	private static final DkimKeys KEYS = DkimKeys.generate();

	@TempDir
	Path dir;

	@Test
	void aSignedMessageVerifiesWithAnIndependentVerifierAndKeepsItsMessageId() throws Exception {
		MimeMessage message = factory(dkimSettings()).build(issue(), new Subscriber(7, "zoe@example.org", "Zoë Ünal", "active"));

		byte[] raw = bytes(message);

		var signatures = KEYS.verify(raw, "news2026", "newsletter.example");
		assertThat(signatures).singleElement().satisfies(signature -> {
			assertThat(signature.getDToken()).isEqualTo("newsletter.example");
			assertThat(signature.getSelector()).isEqualTo("news2026");
			assertThat(signature.getHeaders()).map(CharSequence::toString)
				.map(String::toLowerCase)
				.contains("from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post");
		});
		assertThat(message.getMessageID()).isEqualTo("<issue-3.subscriber-7@newsletter.example>");
		assertThat(new String(raw, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1; a=rsa-sha256;");
	}

	@Test
	void aTamperedBodyFailsVerification() throws Exception {
		String raw = new String(bytes(factory(dkimSettings()).build(issue(), subscriber())), StandardCharsets.US_ASCII);
		assertThat(raw).contains("First post");

		byte[] tampered = raw.replace("First post", "Forged post").getBytes(StandardCharsets.US_ASCII);

		assertThatThrownBy(() -> KEYS.verify(tampered, "news2026", "newsletter.example")).isInstanceOf(FailException.class)
			.hasMessageContaining("body");
	}

	@Test
	void aTamperedOneClickHeaderFailsVerification() throws Exception {
		String raw = new String(bytes(factory(dkimSettings()).build(issue(), subscriber())), StandardCharsets.US_ASCII);

		byte[] tampered = raw.replace("List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Unsubscribe-Post: nothing")
			.getBytes(StandardCharsets.US_ASCII);

		assertThatThrownBy(() -> KEYS.verify(tampered, "news2026", "newsletter.example")).isInstanceOf(FailException.class);
	}

	@Test
	void withoutSettingsMessagesAreNotSigned() throws Exception {
		MimeMessage message = factory(Map.of()).build(issue(), subscriber());

		assertThat(message.getClass().getSimpleName()).isEqualTo("FixedIdMessage");
		assertThat(new String(bytes(message), StandardCharsets.US_ASCII)).doesNotContain("DKIM-Signature");
	}

	@Test
	void partialSettingsAreRefusedNamingWhatIsMissing() {
		assertThatThrownBy(() -> new DkimSigner(properties(Map.of("newsletter.dkim.domain", "newsletter.example"))))
			.isInstanceOf(BadInputException.class)
			.hasMessageContaining("newsletter.dkim.selector")
			.hasMessageContaining("newsletter.dkim.private-key");
	}

	@Test
	void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
		Path key = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

		assertThatThrownBy(() -> DkimSigner.readKey(key)).isInstanceOf(BadInputException.class)
			.hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
	}

	@Test
	void aKeyOthersCanReadOrWriteIsRefusedWithTheCommandThatMakesItPrivate() throws Exception {
		for (String mode : List.of("rw-r--r--", "rw----r--", "rw--w----")) {
			Path key = KEYS.writePrivateKey(dir.resolve("dkim-" + mode + ".pem"));
			Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));

			assertThatThrownBy(() -> DkimSigner.readKey(key)).as(mode).isInstanceOf(BadInputException.class)
				.hasMessageContaining("can be read or written by others (" + mode + ")")
				.hasMessageEndingWith("chmod 600 " + key);
		}
		Path key = KEYS.writePrivateKey(dir.resolve("dkim-r.pem"));
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
		assertThat(DkimSigner.readKey(key)).isNotNull();
	}

	@Test
	void aMissingKeyFileIsRefusedNamingTheFile() {
		Path key = dir.resolve("absent.pem");

		assertThatThrownBy(() -> DkimSigner.readKey(key)).isInstanceOf(BadInputException.class)
			.hasMessageContaining(key.toString());
	}

	private Map<String, String> dkimSettings() {
		return Map.of("newsletter.dkim.domain", "newsletter.example", "newsletter.dkim.selector", "news2026",
				"newsletter.dkim.private-key", KEYS.writePrivateKey(dir.resolve("dkim.pem")).toString());
	}

	private MessageFactory factory(Map<String, String> settings) throws Exception {
		NewsletterProperties properties = properties(settings);
		return new MessageFactory(properties, new UnsubscribeLinks(properties), new DkimSigner(properties));
	}

	private NewsletterProperties properties(Map<String, String> settings) {
		Map<String, String> all = new HashMap<>(settings);
		all.put("newsletter.data-dir", dir.toString());
		all.put("newsletter.unsubscribe-secret", "test-secret");
		return TestProperties.of(all);
	}

	private static Subscriber subscriber() {
		return new Subscriber(7, "ada@example.org", "Ada", "active");
	}

	private static Issue issue() {
		String token = "t0k3n";
		String greeting = "%%" + token + ".GREETING%%";
		String unsubscribe = "%%" + token + ".UNSUBSCRIBE_URL%%";
		return new Issue(3, 1, java.time.Instant.parse("2026-03-24T08:00:00Z"), java.time.Instant.parse("2026-03-17T08:00:00Z"),
				false, "COMPOSED", "Weekly: 1 new post — café", token,
				"<p>" + greeting + "</p><h3>First post</h3><p>Déjà vu</p><a href=\"" + unsubscribe + "\">Unsubscribe</a>",
				greeting + "\n\n* First post\n  Déjà vu\n\nUnsubscribe: " + unsubscribe + "\n", 1, 1);
	}

	private static byte[] bytes(MimeMessage message) throws Exception {
		var out = new ByteArrayOutputStream();
		message.writeTo(out);
		return out.toByteArray();
	}
}
