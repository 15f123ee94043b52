package org.newsletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Quick start as a user runs it, on the packaged program: {@code ./newsletter demo}
 * through the launcher script, which unpacks the jar and records its start-up archive once
 * per build, then starts from that archive. Runs after {@code package} (failsafe), so the
 * launcher finds the jar up to date and builds nothing.
 */
class LauncherIT {

	private static final Path REPO = Path.of("").toAbsolutePath();

	@Test
	void theDemoRunsThroughTheLauncherWhichPreparesItsStartUpOncePerBuild(@TempDir Path work) throws Exception {
		Result first = launch(work.resolve("first"), "demo");

		assertThat(first.exitCode()).as(first.toString()).isZero();
		assertThat(first.err()).as("the jar is up to date after package").doesNotContain("Building");
		assertThat(first.out()).contains("send: 3/3 messages to the outbox folder", "status     COMPLETED");
		try (Stream<Path> messages = Files.walk(work.resolve("first/demo-data/outbox"))) {
			assertThat(messages.filter(file -> file.toString().endsWith(".eml"))).hasSize(3);
		}
		assertThat(REPO.resolve("target/app/newsletter.jar")).isRegularFile();
		assertThat(REPO.resolve("target/app/newsletter.jsa")).as("the start-up archive").isRegularFile();

		Result second = launch(work.resolve("second"), "demo");

		assertThat(second.exitCode()).as(second.toString()).isZero();
		assertThat(second.err()).as("prepared once per build").doesNotContain("Preparing", "Building");
		assertThat(second.out()).contains("status     COMPLETED");
	}

	private record Result(int exitCode, String out, String err) {

		@Override
		public String toString() {
			return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
		}
	}

	private static Result launch(Path directory, String... args) throws IOException, InterruptedException {
		Files.createDirectories(directory);
		Path out = directory.resolve("out.txt");
		Path err = directory.resolve("err.txt");
		var command = new ArrayList<String>();
		command.add(REPO.resolve("newsletter").toString());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectOutput(out.toFile())
			.redirectError(err.toFile())
			.start();
		if (!process.waitFor(180, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the launcher did not end within 180 s");
		}
		return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
				Files.readString(err, StandardCharsets.UTF_8));
	}
}
