package org.newsletter.config;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;

/** Turns an exception into the one line an operator needs. */
public final class Failures {

	private Failures() {
	}

	/**
	 * The one line of the failure that says most: the first with an exception of our own in its
	 * chain (a partitioned step's own failure only says that a partition failed), else the first.
	 * @return the line, or {@code null} when there are no failures
	 */
	public static String oneLine(java.util.List<Throwable> failures) {
		return failures.stream()
			.filter(Failures::hasOwnCause)
			.findFirst()
			.or(() -> failures.stream().findFirst())
			.map(Failures::oneLine)
			.orElse(null);
	}

	private static boolean hasOwnCause(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t.getClass().getName().startsWith("org.newsletter.")
					|| Arrays.stream(t.getSuppressed()).anyMatch(Failures::hasOwnCause)) {
				return true;
			}
		}
		return false;
	}

	/** The outermost exception of {@code type} in the chain of {@code ex}; {@code null} when there is none. */
	public static <T extends Throwable> T find(Throwable ex, Class<T> type) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

	/**
	 * The message of the innermost exception of our own (which names the feed, file or
	 * server), or else of the root cause, on one line.
	 */
	public static String oneLine(Throwable ex) {
		Throwable chosen = null;
		Throwable root = ex;
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t.getClass().getName().startsWith("org.newsletter.")) {
				chosen = t;
			}
			root = t;
		}
		Throwable shown = chosen != null ? chosen : root;
		String message = shown instanceof FileSystemException files ? describe(files) : shown.getMessage();
		String line = (message == null || message.isBlank() ? shown.getClass().getSimpleName() : message)
			.replaceAll("\\s+", " ").strip();
		if (chosen == null && root.getSuppressed().length > 0) {
			// a composite's failure ("Failed to close 1 delegate(s)", Spring Batch's CompositeItemStream)
			// carries its delegates' failures as suppressed ones
			return line + ": " + oneLine(root.getSuppressed()[0]);
		}
		return line;
	}

	/**
	 * A file system failure as "file: why": the JDK's message is often the bare path
	 * ({@code AccessDeniedException: /srv/backups}), the why only in the exception's type.
	 */
	public static String describe(FileSystemException ex) {
		return ex.getFile() + (ex.getOtherFile() != null ? " (to " + ex.getOtherFile() + ")" : "") + ": " + reason(ex);
	}

	/** Why a file system operation failed, in words. */
	public static String reason(FileSystemException ex) {
		return ex.getReason() != null ? ex.getReason()
				: ex instanceof AccessDeniedException ? "permission denied"
				: ex instanceof NoSuchFileException ? "no such file or folder"
				: ex instanceof FileAlreadyExistsException ? "it already exists"
				: ex instanceof NotDirectoryException ? "not a folder"
				: ex instanceof DirectoryNotEmptyException ? "the folder is not empty"
				: ex.getClass().getSimpleName();
	}
}
