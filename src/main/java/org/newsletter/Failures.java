package org.newsletter;

/** Turns an exception into the one line an operator needs. */
public final class Failures {

	private Failures() {
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
		String message = shown.getMessage();
		return (message == null || message.isBlank() ? shown.getClass().getSimpleName() : message)
			.replaceAll("\\s+", " ").strip();
	}
}
