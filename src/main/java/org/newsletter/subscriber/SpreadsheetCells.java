package org.newsletter.subscriber;

/**
 * Keeps spreadsheets from running cells as formulas (OWASP "CSV injection"). A cell that
 * starts with {@code = + - @}, a tab or a carriage return, after any number of {@code '}, is
 * written with one more leading {@code '}; reading takes exactly one off such a cell. So the
 * two are inverse and an export imports back unchanged.
 */
public final class SpreadsheetCells {

	private SpreadsheetCells() {
	}

	/** {@code cell} as written to a CSV file: with one more leading {@code '} when a spreadsheet would run it. */
	public static String neutralise(String cell) {
		return formulaAfterQuotes(cell, 0) ? "'" + cell : cell;
	}

	static String restore(String cell) {
		return formulaAfterQuotes(cell, 1) ? cell.substring(1) : cell;
	}

	/** Whether {@code cell} is at least {@code minQuotes} apostrophes followed by a formula character. */
	private static boolean formulaAfterQuotes(String cell, int minQuotes) {
		int at = 0;
		while (at < cell.length() && cell.charAt(at) == '\'') {
			at++;
		}
		if (at < minQuotes || at == cell.length()) {
			return false;
		}
		char c = cell.charAt(at);
		return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
	}
}
