package org.newsletter.subscriber;

import java.util.Map;

/** A CSV line checked and ready to merge, or rejected with its reason. */
public sealed interface ImportLine {

	long line();

	/**
	 * A line that passed every check of its own; the writer still rejects it when the address
	 * already appeared earlier in the file.
	 *
	 * @param email the normalised address
	 * @param name the display name, {@code null} when the cell is empty (the stored name stays)
	 * @param status {@code active} or {@code unsubscribed}, {@code null} when the cell is empty
	 * @param attributes the attribute cells by header; an empty cell removes that attribute
	 */
	record Accepted(long line, String email, String name, String status, Map<String, String> attributes)
			implements ImportLine {

		String key() {
			return EmailAddresses.key(email);
		}
	}

	/**
	 * A line that is not imported.
	 *
	 * @param value the address cell as printable text, for the report
	 * @param presentKey the address key when the address itself is valid ({@code --replace} keeps
	 * that subscriber), else {@code null}
	 * @param addressUnread whether the line's address could not be read at all (the line could
	 * not be split, or its address holds bytes that are not text): it may name anyone, so
	 * {@code --replace} unsubscribes nobody
	 */
	record Rejected(long line, String value, String reason, String presentKey, boolean addressUnread)
			implements ImportLine {

		Rejected(long line, String value, String reason, String presentKey) {
			this(line, value, reason, presentKey, false);
		}

		@Override
		public String toString() {
			return "line " + line + ": " + reason + (value == null || value.isEmpty() ? "" : " (" + value + ")");
		}
	}
}
