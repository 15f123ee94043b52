package org.newsletter.feed;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FeedCharsetTests {

	private static final String FEED = "<rss version=\"2.0\"><channel><title>Crème brûlée</title></channel></rss>";

	@ParameterizedTest
	@ValueSource(strings = { "UTF-8", "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE" })
	void aByteOrderMarkIsHonouredOverAWrongDeclarationAndRemoved(String encoding) {
		Charset charset = Charset.forName(encoding);
		byte[] bytes = concat(bom(charset), ("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>" + FEED).getBytes(charset));

		String text = FeedCharset.decode(bytes, null);

		assertThat(text).startsWith("<?xml").contains("Crème brûlée");
	}

	@ParameterizedTest
	@ValueSource(strings = { "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE" })
	void wideEncodingsWithoutAMarkAreRecognisedByTheirFirstBytes(String encoding) {
		byte[] bytes = ("<?xml version=\"1.0\" encoding=\"utf-16\"?>" + FEED).getBytes(Charset.forName(encoding));

		assertThat(FeedCharset.decode(bytes, null)).contains("Crème brûlée");
	}

	@Test
	void theDeclarationIsHonoured() {
		byte[] bytes = ("<?xml version='1.0' encoding='ISO-8859-15'?>" + FEED.replace("brûlée", "€")).getBytes(
				Charset.forName("ISO-8859-15"));

		assertThat(FeedCharset.decode(bytes, null)).contains("Crème €");
	}

	@Test
	void theHttpCharsetOverridesTheDeclaration() {
		byte[] bytes = "<?xml version=\"1.0\" encoding=\"utf-8\"?><t>Привет</t>".getBytes(Charset.forName("windows-1251"));

		assertThat(FeedCharset.decode(bytes, "application/rss+xml; charset=\"windows-1251\"")).endsWith("<t>Привет</t>");
	}

	@Test
	void latin1BytesLabelledUtf8AreReadAsWindows1252() {
		byte[] bytes = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>Café “quoted”</t>".getBytes(Charset.forName("windows-1252"));

		assertThat(FeedCharset.decode(bytes, null)).endsWith("<t>Café “quoted”</t>");
	}

	@Test
	void anUnknownOrImpossibleLabelFallsBackInsteadOfFailing() {
		assertThat(FeedCharset.decode("<?xml version=\"1.0\" encoding=\"bogus\"?><t>é</t>".getBytes(StandardCharsets.UTF_8),
				"text/xml; charset=nonsense")).endsWith("<t>é</t>");
		assertThat(FeedCharset.decode("<?xml version=\"1.0\" encoding=\"utf-16\"?><t>é</t>".getBytes(StandardCharsets.UTF_8),
				null)).endsWith("<t>é</t>");
	}

	@Test
	void bytesInvalidInADeclaredMultiByteEncodingBecomeReplacementCharacters() {
		byte[] bytes = concat("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><t>".getBytes(StandardCharsets.US_ASCII),
				new byte[] { (byte) 0x81, (byte) 0x20, '<', '/', 't', '>' });

		assertThat(FeedCharset.decode(bytes, null)).contains("\uFFFD").endsWith("</t>");
	}

	@Test
	void c1ControlCharactersBecomeTheWindows1252PunctuationTheyStandFor() {
		byte[] bytes = "<t>don\u0092t \u0093quote\u0094</t>".getBytes(StandardCharsets.UTF_8);

		assertThat(FeedCharset.decode(bytes, null)).isEqualTo("<t>don’t “quote”</t>");
	}

	private static byte[] bom(Charset charset) {
		return "\uFEFF".getBytes(charset);
	}

	private static byte[] concat(byte[] first, byte[] second) {
		var out = new ByteArrayOutputStream();
		out.writeBytes(first);
		out.writeBytes(second);
		return out.toByteArray();
	}
}
