package org.newsletter.subscriber;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.config.BadInputException;
import org.newsletter.config.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnsubscribeLinksTests {

	@TempDir
	Path dataDir;

	@Test
	void theGeneratedSecretIsOwnerOnlyAndKeptAcrossStarts() throws Exception {
		var first = links(Map.of());
		Path secret = dataDir.resolve("unsubscribe.secret");

		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
		assertThat(links(Map.of()).verify(first.token(42))).hasValue(42);
	}

	@Test
	void aSecretOthersCanReadIsRefusedWithTheCommandThatMakesItPrivate() throws Exception {
		links(Map.of());
		Path secret = dataDir.resolve("unsubscribe.secret");
		Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

		assertThatThrownBy(() -> links(Map.of())).isInstanceOf(BadInputException.class)
			.hasMessageContaining("(rw-r--r--)")
			.hasMessageEndingWith("chmod 600 " + secret);
	}

	@Test
	void theAddressHashIsKeyedOneWayAndApartFromTheTokens() throws Exception {
		var one = links(Map.of("newsletter.unsubscribe-secret", "one"));
		var other = links(Map.of("newsletter.unsubscribe-secret", "other"));

		String hash = one.addressHash("ada@example.org");

		assertThat(hash).hasSize(64).matches("[0-9a-f]+").doesNotContain("ada");
		assertThat(one.addressHash("ada@example.org")).isEqualTo(hash);
		assertThat(one.addressHash("bob@example.org")).isNotEqualTo(hash);
		assertThat(other.addressHash("ada@example.org")).as("without the key, no dictionary check").isNotEqualTo(hash);
		assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
			.digest("ada@example.org".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).as("not a plain hash")
			.isNotEqualTo(hash);
	}

	private UnsubscribeLinks links(Map<String, String> settings) {
		var all = new java.util.HashMap<>(settings);
		all.put("newsletter.data-dir", dataDir.toString());
		all.put("newsletter.base-url", "https://news.example");
		return new UnsubscribeLinks(TestProperties.of(all));
	}
}
