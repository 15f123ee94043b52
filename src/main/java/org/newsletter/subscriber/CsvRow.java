package org.newsletter.subscriber;

import java.util.Map;

/**
 * One data line of a subscriber CSV file, as read: the known columns by name and the other
 * columns as attributes keyed by their header. A line the reader could not split into fields,
 * or that holds bytes that are not text in the file's charset, carries a {@code problem}.
 *
 * @param line the line number where the record starts (the header is line 1)
 * @param email the {@code email} cell
 * @param name the {@code name} cell, {@code null} without such a column
 * @param status the {@code status} cell, {@code null} without such a column
 * @param attributes the other columns' cells by header, in header order
 * @param problem why the line could not be read, or {@code null}
 * @param addressRead whether the {@code email} cell is what the line says (false when the line
 * could not be split, or the cell holds bytes that are not text)
 */
record CsvRow(long line, String email, String name, String status, Map<String, String> attributes, String problem,
		boolean addressRead) {

	CsvRow(long line, String email, String name, String status, Map<String, String> attributes) {
		this(line, email, name, status, attributes, null, true);
	}

	static CsvRow unreadable(long line, String problem) {
		return new CsvRow(line, "", null, null, Map.of(), problem, false);
	}
}
