package org.newsletter.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The one line of a setting Spring Boot could not bind. */
class StartFailuresTests {

	record Settings(int port, int apiKey) {
	}

	@Test
	void aBadSettingIsNamedWithItsValueAndBadUsage() {
		var failure = StartFailures.of(bindFailure(Map.of("x.port", "eighty", "x.api-key", "1")), Path.of("data"), List.of());

		assertThat(failure.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
		assertThat(failure.line()).startsWith("bad setting x.port = \"eighty\"").endsWith(": not a valid int (For input string: \"eighty\")");
	}

	@Test
	void aSecretsValueIsNotShown() {
		var failure = StartFailures.of(bindFailure(Map.of("x.port", "80", "x.api-key", "s3cr3t")), Path.of("data"), List.of());

		assertThat(failure.line()).startsWith("bad setting x.api-key = (not shown)").doesNotContain("s3cr3t");
	}

	private static Throwable bindFailure(Map<String, String> properties) {
		var binder = new Binder(new MapConfigurationPropertySource(properties));
		return catchThrowable(() -> binder.bind("x", Bindable.of(Settings.class)));
	}
}
