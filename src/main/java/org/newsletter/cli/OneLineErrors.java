package org.newsletter.cli;

import org.newsletter.BadInputException;
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
		err.println("newsletter: " + rootMessage(ex) + " (details in the log)");
		return ExitCodes.FAILED;
	}

	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			if (root instanceof BadInputException) {
				break;
			}
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message == null || message.isBlank() ? root.getClass().getSimpleName() : message)
			.replaceAll("\\s+", " ").strip();
	}
}
