package org.newsletter.bounce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The messages of {@code src/test/resources/bounces/} (see its README), with their placeholders
 * filled in: what arrives in the bounce mailbox.
 */
public final class BounceFixtures {

	private BounceFixtures() {
	}

	/** The names of every fixture, sorted. */
	public static List<String> names() {
		try (var files = Files.list(folder())) {
			return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".eml")).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Fixture {@code name} with {@code {{RETURN_PATH}}}, {@code {{RECIPIENT}}},
	 * {@code {{MESSAGE_ID}}}, {@code {{FROM}}} and {@code {{SUBJECT}}} replaced by these values (by
	 * the placeholder's name without braces), CRLF line ends as on the wire.
	 */
	public static String filled(String name, Map<String, String> values) {
		try {
			String text = Files.readString(folder().resolve(name), StandardCharsets.UTF_8);
			for (var value : values.entrySet()) {
				text = text.replace("{{" + value.getKey() + "}}", value.getValue());
			}
			if (text.contains("{{")) {
				throw new IllegalArgumentException(name + " has a placeholder without a value: "
						+ text.substring(text.indexOf("{{"), text.indexOf("}}") + 2));
			}
			return text.replace("\r\n", "\n").replace("\n", "\r\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path folder() {
		try {
			return Path.of(BounceFixtures.class.getResource("/bounces").toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
