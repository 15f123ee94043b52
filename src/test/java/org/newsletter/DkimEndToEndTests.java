package org.newsletter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.mail.internet.MimeMessage;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DKIM on every way out: messages sent over SMTP (GreenMail), written to the outbox by a dry
 * run, and the preview's sample; each verified by Apache jDKIM with the key published for the
 * selector, and a tampered copy refused.
 */
class DkimEndToEndTests {

	private static final String CUTOFF = "--cutoff=2026-03-21T00:00:00Z";

	private static final DkimKeys KEYS = DkimKeys.generate();

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-20"))
		.feedList("real-python.xml", "pypy.xml")
		.subscribers("ada@example.org,Ada", "zoe@example.org,Zoë Ünal");

	@BeforeEach
	void signWithTheTestKey() {
		e2e.cli().with("newsletter.dkim.domain", "newsletter.example")
			.with("newsletter.dkim.selector", "weekly")
			.with("newsletter.dkim.private-key", KEYS.writePrivateKey(e2e.dataDir().resolve("dkim.pem")));
	}

	@Test
	void messagesSentOverSmtpVerifyAndATamperedBodyDoesNot() throws Exception {
		var run = e2e.cli().run("run", CUTOFF);

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(e2e.smtp().getReceivedMessages()).hasSize(2);
		for (MimeMessage received : e2e.smtp().getReceivedMessages()) {
			byte[] raw = bytes(received);
			assertThat(KEYS.verify(raw, "weekly", "newsletter.example")).hasSize(1);
			byte[] tampered = oneLetterChangedInTheBody(raw);
			assertThatThrownBy(() -> KEYS.verify(tampered, "weekly", "newsletter.example")).isInstanceOf(FailException.class)
				.hasMessageContaining("body");
		}
	}

	@Test
	void theOutboxAndThePreviewSampleAreSignedToo() throws Exception {
		var dryRun = e2e.cli().run("run", CUTOFF, "--dry-run");
		var preview = e2e.cli().run("preview", CUTOFF, "--out=" + e2e.dataDir().resolve("preview"));

		assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
		assertThat(preview.out()).contains("DKIM-signed");
		List<Path> written;
		try (var files = Files.walk(e2e.dataDir().resolve("outbox"))) {
			written = files.filter(f -> f.toString().endsWith(".eml")).toList();
		}
		assertThat(written).hasSize(2);
		for (Path eml : written) {
			assertThat(KEYS.verify(Files.readAllBytes(eml), "weekly", "newsletter.example")).hasSize(1);
		}
		assertThat(KEYS.verify(Files.readAllBytes(e2e.dataDir().resolve("preview/sample.eml")), "weekly", "newsletter.example"))
			.hasSize(1);
		assertThat(e2e.smtp().getReceivedMessages()).isEmpty();
	}

	/** The message with the case of one letter half-way through its body changed. */
	private static byte[] oneLetterChangedInTheBody(byte[] raw) {
		String text = new String(raw, StandardCharsets.US_ASCII);
		int body = text.indexOf("\r\n\r\n") + 4;
		int at = body + (text.length() - body) / 2;
		while (!Character.isLetter(text.charAt(at))) {
			at++;
		}
		char letter = text.charAt(at);
		char changed = Character.isUpperCase(letter) ? Character.toLowerCase(letter) : Character.toUpperCase(letter);
		return (text.substring(0, at) + changed + text.substring(at + 1)).getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] bytes(MimeMessage message) throws Exception {
		var out = new ByteArrayOutputStream();
		message.writeTo(out);
		return out.toByteArray();
	}
}
