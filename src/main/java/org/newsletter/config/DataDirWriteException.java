package org.newsletter.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The data directory could not be written (no space left, file size limit, read-only file
 * system, permissions): the change in hand was not saved. The message names the directory and
 * the cause on one line.
 */
public class DataDirWriteException extends RuntimeException {

	public DataDirWriteException(String message, Throwable cause) {
		super(message, cause);
	}

	/** The one line for a write to {@code dataDir} that failed with {@code cause}. */
	public static String describe(Path dataDir, IOException cause) {
		return "cannot write to the data directory " + dataDir + ": " + reason(cause)
				+ "; the last change was not saved (free space or fix the directory, then run the command again)";
	}

	/** What went wrong, in a few words: the device is full, a file is too large, ... */
	static String reason(IOException cause) {
		String message = cause.getMessage() == null ? "" : cause.getMessage();
		String lower = message.toLowerCase(Locale.ROOT);
		if (lower.contains("no space left")) {
			return "no space left on the device";
		}
		if (lower.contains("file too large")) {
			return "a file reached the size limit (File too large)";
		}
		if (lower.contains("read-only file system")) {
			return "the file system is read-only";
		}
		if (cause instanceof AccessDeniedException || lower.contains("permission denied")) {
			return "permission denied" + (cause instanceof AccessDeniedException denied ? " on " + denied.getFile() : "");
		}
		return message.isBlank() ? cause.getClass().getSimpleName() : message;
	}
}
