package org.newsletter.subscriber;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmailAddressesTests {

	@Test
	void normaliseTrimsAndLowerCasesOnlyTheDomain() throws Exception {
		assertThat(EmailAddresses.normalise("  Ada.Lovelace@Example.ORG \t")).isEqualTo("Ada.Lovelace@example.org");
	}

	@Test
	void anInternationalisedDomainIsAccepted() throws Exception {
		assertThat(EmailAddresses.normalise("bob@bücher.example")).isEqualTo("bob@bücher.example");
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "   ", "not-an-email", "@example.org", "ada@", "ada@localhost", "eve@example..org",
			"eve@example.org.", "eve@-example.org", "eve@example.123", "ada lovelace@example.org",
			"ada@exa mple.org", "ada@example.org\r\nBcc: eve@evil.example", "ada\u0000@example.org",
			"Ada <ada@example.org>", "ada@example.org,eve@example.org" })
	void unusableAddressesAreRejected(String raw) {
		assertThatThrownBy(() -> EmailAddresses.normalise(raw)).isInstanceOf(InvalidAddressException.class)
			.hasMessageNotContaining("\n");
	}

	@Test
	void keyIsTheSameForTheSameAddressInAnyCase() throws Exception {
		String key = EmailAddresses.key(EmailAddresses.normalise("Ada@Example.org"));

		assertThat(EmailAddresses.key(EmailAddresses.normalise("ada@EXAMPLE.org"))).isEqualTo(key);
		assertThat(EmailAddresses.key(EmailAddresses.normalise("ADA@example.ORG"))).isEqualTo(key);
		assertThat(EmailAddresses.key(EmailAddresses.normalise("grace@example.org"))).isNotEqualTo(key);
	}
}
