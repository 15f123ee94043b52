package org.newsletter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line is parsed before Spring starts: help, the version and usage errors are
 * answered without the database, without the data directory (none is created, a held one is
 * no obstacle), and quickly.
 */
@Timeout(60)
class LauncherTests {

	@TempDir
	Path work;

	record Result(int exitCode, String out, String err) {

		@Override
		public String toString() {
			return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
		}
	}

	@Test
	void helpCreatesNoDataDirectory() {
		Path dataDir = work.resolve("data");

		var help = launch(dataDir, "--help");

		assertThat(help.exitCode()).as(help.toString()).isZero();
		assertThat(help.out()).contains("Usage: newsletter", "Commands:", "run", "subscribers");
		assertThat(help.err()).isEmpty();
		assertThat(dataDir).doesNotExist();
	}

	@Test
	void helpAnswersWhileAnotherProcessHoldsTheDataDirectory() throws IOException {
		Path dataDir = Files.createDirectories(work.resolve("data"));
		try (var channel = FileChannel.open(dataDir.resolve("newsletter.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); var held = channel.lock()) {

			var help = launch(dataDir, "run", "--help");

			assertThat(help.exitCode()).as(help.toString()).isZero();
			assertThat(help.out()).contains("Usage: newsletter run", "--cutoff=ISO-INSTANT");
			assertThat(help.err()).isEmpty();
		}
		try (Stream<Path> files = Files.list(dataDir)) {
			assertThat(files).as("no database, no log, no secret").containsExactly(dataDir.resolve("newsletter.lock"));
		}
	}

	/** Every command's own help: each command object is made for parsing alone. */
	@ParameterizedTest
	@MethodSource("everyCommand")
	void everyCommandsHelpCreatesNoDataDirectory(List<String> command) {
		Path dataDir = work.resolve("data");
		List<String> args = new ArrayList<>(command);
		args.add("--help");

		var help = launch(dataDir, args.toArray(String[]::new));

		assertThat(help.exitCode()).as(help.toString()).isZero();
		assertThat(help.out()).contains("Usage: newsletter " + String.join(" ", command) + " ");
		assertThat(dataDir).doesNotExist();
	}

	static Stream<List<String>> everyCommand() {
		var top = new CommandLine(NewsletterCommand.class, new ParsingCommandFactory());
		return top.getSubcommands().values().stream().flatMap(LauncherTests::withSubcommands)
			.filter(path -> !path.get(0).equals("help"));
	}

	private static Stream<List<String>> withSubcommands(CommandLine command) {
		List<String> path = new ArrayList<>();
		for (var c = command; c.getParent() != null; c = c.getParent()) {
			path.add(0, c.getCommandName());
		}
		return Stream.concat(Stream.of(path), command.getSubcommands().values().stream().flatMap(LauncherTests::withSubcommands));
	}

	@Test
	void theHelpCommandAndTheVersionCreateNoDataDirectory() {
		Path dataDir = work.resolve("data");

		var help = launch(dataDir, "help", "subscribers");
		var version = launch(dataDir, "--version");
		var bare = launch(dataDir);

		assertThat(help.exitCode()).as(help.toString()).isZero();
		assertThat(help.out()).contains("Usage: newsletter subscribers [");
		assertThat(version.exitCode()).as(version.toString()).isZero();
		assertThat(version.out()).isEqualTo("newsletter 0.1" + System.lineSeparator());
		assertThat(bare.exitCode()).as(bare.toString()).isZero();
		assertThat(bare.out()).contains("Usage: newsletter [");
		assertThat(dataDir).doesNotExist();
	}

	@Test
	void anUnknownOptionIsAUsageErrorWithoutStartingAnything() {
		Path dataDir = work.resolve("data");

		var error = launch(dataDir, "run", "--cutof=2026-03-24T08:00:00Z");

		assertThat(error.exitCode()).as(error.toString()).isEqualTo(ExitCodes.BAD_INPUT);
		assertThat(error.err()).contains("Unknown option: '--cutof=2026-03-24T08:00:00Z'");
		assertThat(error.out()).isEmpty();
		assertThat(dataDir).doesNotExist();
	}

	@Test
	void aMissingParameterIsAUsageErrorWithTheCommandsUsage() {
		Path dataDir = work.resolve("data");

		var error = launch(dataDir, "subscribers", "import");

		assertThat(error.exitCode()).as(error.toString()).isEqualTo(ExitCodes.BAD_INPUT);
		assertThat(error.err()).contains("Missing required parameter: 'FILE'", "Usage: newsletter subscribers import");
		assertThat(dataDir).doesNotExist();
	}

	@Test
	void aValueThatDoesNotConvertIsAUsageError() {
		Path dataDir = work.resolve("data");

		var error = launch(dataDir, "run", "--cutoff=next tuesday");

		assertThat(error.exitCode()).as(error.toString()).isEqualTo(ExitCodes.BAD_INPUT);
		assertThat(error.err()).contains("--cutoff", "next tuesday");
		assertThat(dataDir).doesNotExist();
	}

	@Test
	void anUnknownCommandIsAUsageError() {
		Path dataDir = work.resolve("data");

		var error = launch(dataDir, "sned");

		assertThat(error.exitCode()).as(error.toString()).isEqualTo(ExitCodes.BAD_INPUT);
		assertThat(error.err()).contains("Unmatched argument", "sned");
		assertThat(dataDir).doesNotExist();
	}

	private Result launch(Path dataDir, String... command) {
		var out = new StringWriter();
		var err = new StringWriter();
		List<String> args = new ArrayList<>(List.of(command));
		args.add("--newsletter.data-dir=" + dataDir);
		args.add("--newsletter.feeds=" + dataDir.resolve("feeds.opml"));
		int exitCode = Launcher.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
		return new Result(exitCode, out.toString(), err.toString());
	}
}
