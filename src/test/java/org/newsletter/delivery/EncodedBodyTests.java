package org.newsletter.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.mail.internet.MimeBodyPart;
import org.jsoup.nodes.Entities;
import org.junit.jupiter.api.Test;
import org.newsletter.issue.Issue;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedBodyTests {

	private static final String TOKEN = "0123456789abcdef01234567";

	private final Issue issue = new Issue(1, 1, Instant.EPOCH, Instant.EPOCH, false, "COMPOSED", "s", TOKEN, "", "", 1, 1);

	@Test
	void decodesToExactlyThePersonalisedBodyWithLinesWithinSeventySixColumns() throws Exception {
		String body = "<p>Hello " + placeholder("NAME") + " </p>\n" + "x".repeat(200) + "=é\n"
				+ "<a href=\"" + placeholder("UNSUBSCRIBE_URL") + "\">bye</a>   \n" + placeholder("attr.company")
				+ placeholder("attr.city") + "\tend";
		var values = new Issue.Personalisation(Map.of(Issue.Personal.NAME, "Zoë \"Z\" = <Ångström> ",
				Issue.Personal.UNSUBSCRIBE_URL, "https://n.example/unsubscribe?token=7.abc=="),
				Map.of("company", "A & B " + "long ".repeat(30)));

		for (UnaryOperator<String> escape : java.util.List.<UnaryOperator<String>>of(UnaryOperator.identity(),
				Entities::escape)) {
			MimeBodyPart part = new EncodedBody("text/html; charset=UTF-8", issue.pieces(body)).part(values, escape);

			assertThat((String) part.getContent()).isEqualTo(issue.personalise(body, values, escape).replace("\n", "\r\n"));
			var raw = new ByteArrayOutputStream();
			part.writeTo(raw);
			String wire = raw.toString(StandardCharsets.US_ASCII);
			assertThat(wire).contains("Content-Transfer-Encoding: quoted-printable");
			assertThat(wire.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(76));
			assertThat(wire.replace("\r\n", "")).doesNotContain("\n", "\r");
		}
	}

	@Test
	void aBodyWithoutPlaceholdersIsOnePieceWithNoSoftBreakAdded() throws Exception {
		var part = new EncodedBody("text/plain; charset=UTF-8", issue.pieces("just text\n"))
			.part(new Issue.Personalisation(Map.of(), Map.of()), UnaryOperator.identity());

		assertThat((String) part.getContent()).isEqualTo("just text\r\n");
	}

	private static String placeholder(String part) {
		return "%%" + TOKEN + "." + part + "%%";
	}
}
