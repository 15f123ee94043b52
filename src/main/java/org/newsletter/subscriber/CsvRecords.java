package org.newsletter.subscriber;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text into records, one at a time: RFC 4180 fields (quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF or LF), with the line number where each record starts.
 * <p>
 * Input that breaks RFC 4180 is read the way a person meant it rather than rejected: a quote
 * inside an unquoted field is a literal character and that field runs to the end of the line
 * (a hand-written {@code =HYPERLINK("…","…")} stays one cell), and text after a closing quote
 * belongs to the field. Only a quote that never closes is an error, reported at the line where
 * its record starts. Commons CSV reads the same files strictly, and would reject those lines.
 */
final class CsvRecords implements Closeable {

	private static final int EOF = -1;

	/** One record and the line it starts on. */
	record Record(long line, List<String> fields) {
	}

	/** A quote that never closes; the rest of the file cannot be split. */
	static final class UnterminatedQuoteException extends IOException {

		private final long line;

		UnterminatedQuoteException(long line) {
			super("unterminated quote");
			this.line = line;
		}

		long line() {
			return line;
		}
	}

	private final Reader in;

	private long line = 1;

	private int pushedBack = EOF - 1;

	CsvRecords(Reader in) {
		this.in = in;
	}

	/** The line the reader is on. */
	long line() {
		return line;
	}

	/** The next record, skipping empty and blank lines; {@code null} at the end. */
	Record next() throws IOException {
		while (true) {
			int c = read();
			if (c == EOF) {
				return null;
			}
			if (c == '\r' || c == '\n') {
				lineBreak(c);
				continue;
			}
			unread(c);
			long start = line;
			List<String> fields = new ArrayList<>();
			int end;
			do {
				StringBuilder field = new StringBuilder();
				end = readField(field, start);
				fields.add(field.toString());
			}
			while (end == ',');
			if (fields.size() > 1 || !fields.get(0).isBlank()) {
				return new Record(start, fields);
			}
		}
	}

	/** Reads one field into {@code field}; returns what ended it: ',', '\n' or EOF. */
	private int readField(StringBuilder field, long start) throws IOException {
		int c = read();
		if (c == '"') {
			while (true) {
				c = read();
				if (c == EOF) {
					throw new UnterminatedQuoteException(start);
				}
				if (c == '"') {
					c = read();
					if (c != '"') {
						break;
					}
				}
				else if (c == '\r' || c == '\n') {
					c = lineBreak(c);
				}
				field.append((char) c);
			}
		}
		while (true) {
			if (c == ',' || c == EOF) {
				return c;
			}
			if (c == '\r' || c == '\n') {
				endOfLine(c);
				return '\n';
			}
			if (c == '"') {
				field.append(restOfLine(c));
				return endOfLine(read()) ? '\n' : EOF;
			}
			field.append((char) c);
			c = read();
		}
	}

	/** The characters from {@code first} up to the end of the line, not consuming the line break. */
	private String restOfLine(int first) throws IOException {
		StringBuilder text = new StringBuilder();
		int c = first;
		while (c != EOF && c != '\r' && c != '\n') {
			text.append((char) c);
			c = read();
		}
		unread(c);
		return text.toString();
	}

	/** Consumes a line break starting with {@code c}; false at the end of the input. */
	private boolean endOfLine(int c) throws IOException {
		if (c == EOF) {
			return false;
		}
		lineBreak(c);
		return true;
	}

	/** Counts the line break starting with {@code c} (CRLF, LF or a lone CR); returns '\n'. */
	private int lineBreak(int c) throws IOException {
		if (c == '\r') {
			int next = read();
			if (next != '\n') {
				unread(next);
			}
		}
		line++;
		return '\n';
	}

	private int read() throws IOException {
		if (pushedBack != EOF - 1) {
			int c = pushedBack;
			pushedBack = EOF - 1;
			return c;
		}
		return in.read();
	}

	private void unread(int c) {
		pushedBack = c;
	}

	@Override
	public void close() throws IOException {
		in.close();
	}
}
