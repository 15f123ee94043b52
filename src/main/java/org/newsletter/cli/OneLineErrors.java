package org.newsletter.cli;

import org.newsletter.config.BadInputException;
import org.newsletter.config.Failures;
import org.newsletter.config.DataDirWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Turns an exception out of a command into one line on standard error and an exit code. */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(OneLineErrors.class);

	@Override
	public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
		var err = commandLine.getErr();
		if (ex instanceof BadInputException) {
			err.println("newsletter: " + ex.getMessage());
			return ExitCodes.BAD_INPUT;
		}
		log.error("command failed", ex);
		var storage = Failures.find(ex, DataDirWriteException.class);
		if (storage != null) {
			err.println("newsletter: " + storage.getMessage());
			return ExitCodes.FAILED;
		}
		err.println("newsletter: " + Failures.oneLine(ex) + " (details in the log)");
		return ExitCodes.FAILED;
	}

	/**
	 * The line worth showing of an exit description Spring Batch stored (a stack trace): the
	 * last "Caused by" of our own exceptions, or else its first line.
	 */
	static String exitDescription(String description) {
		if (description == null || description.isBlank()) {
			return "";
		}
		String chosen = description.strip().lines().findFirst().orElse("");
		for (String line : description.lines().toList()) {
			String trimmed = line.strip();
			if (trimmed.startsWith("Caused by: org.newsletter.")) {
				chosen = trimmed.substring("Caused by: ".length());
			}
		}
		return chosen.replaceFirst("^org\\.newsletter\\.[\\w.$]+: ", "");
	}
}
