package org.newsletter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.newsletter.config.BadInputException;
import org.newsletter.config.Failures;

/**
 * Where a command writes its output: standard output for {@code -}, otherwise a file that
 * appears whole or not at all (written next to it, then moved into place), so an interrupted
 * command never leaves half a file where a previous good one was.
 */
final class OutputFile {

	/** Writes the content; returns how many rows (or records) it wrote. */
	@FunctionalInterface
	interface Content {

		long writeTo(Writer out) throws IOException;
	}

	private OutputFile() {
	}

	static boolean isStandardOutput(String file) {
		return file.equals("-");
	}

	/** Writes {@code content} to {@code file} in UTF-8, or to {@code stdout} for {@code -}; returns its count. */
	static long write(String file, PrintWriter stdout, Content content) throws IOException {
		if (isStandardOutput(file)) {
			long count = content.writeTo(stdout);
			stdout.flush();
			return count;
		}
		Path target = Path.of(file).toAbsolutePath();
		if (Files.isDirectory(target) || !Files.isDirectory(target.getParent())) {
			throw new BadInputException("cannot write " + file + ": "
					+ (Files.isDirectory(target) ? "it is a directory" : "no directory " + target.getParent()));
		}
		Path partial;
		try {
			partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
		}
		catch (FileSystemException ex) {
			// a folder the user may not write in: nothing is written yet, the input is what is wrong
			throw new BadInputException("cannot write " + file + ": " + Failures.reason(ex) + " in " + target.getParent());
		}
		try {
			long count;
			try (Writer writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
				count = content.writeTo(writer);
			}
			Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			return count;
		}
		finally {
			Files.deleteIfExists(partial);
		}
	}
}
