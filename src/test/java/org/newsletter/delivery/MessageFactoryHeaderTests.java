package org.newsletter.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Values that enter a header (subject, names, list title) lose every control character and line break. */
class MessageFactoryHeaderTests {

	@Test
	void controlCharactersOfEveryKindAndLineSeparatorsBecomeSpaces() {
		assertThat(MessageFactory.headerSafe("Weekly\r\nBcc: eve@evil.example\u0000\u007F\u0085x\u009By\u2028z\u2029end"))
			.isEqualTo("Weekly Bcc: eve@evil.example x y z end");
	}

	@Test
	void ordinaryTextIsLeftAlone() {
		assertThat(MessageFactory.headerSafe("  Café – “news” 👩‍💻 ")).isEqualTo("Café – “news” 👩‍💻");
	}
}
