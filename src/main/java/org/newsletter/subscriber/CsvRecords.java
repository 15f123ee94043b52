package org.newsletter.subscriber;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits CSV text into records, one at a time: RFC 4180 fields (quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF or LF), with the line number where each record starts.
 * <p>
 * Input that breaks RFC 4180 is read the way a person meant it rather than rejected: a quote
 * inside an unquoted field is a literal character and that field runs to the end of the line
 * (a hand-written {@code =HYPERLINK("…","…")} stays one cell), and text after a closing quote
 * belongs to the field. Only a quote that never closes is an error, reported at the line where
 * its record starts. Commons CSV reads the same files strictly, and would reject those lines.
 * <p>
 * Bytes that are not text in the file's charset ({@link DecodedText#UNDECODABLE}) stand in
 * their field as {@code U+FFFD}, and the record says which fields hold some: the record keeps
 * its place and the records after it are read as usual.
 */
final class CsvRecords implements Closeable {

	private static final int EOF = DecodedText.EOF;

	private static final int UNDECODABLE = DecodedText.UNDECODABLE;

	private static final int NOTHING = Integer.MIN_VALUE;

	/**
	 * One record and the line it starts on.
	 *
	 * @param undecodable the indexes of the fields that hold bytes not text in the charset
	 */
	record Record(long line, List<String> fields, Set<Integer> undecodable) {

		Record(long line, List<String> fields) {
			this(line, fields, Set.of());
		}
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

	private final DecodedText in;

	private long line = 1;

	private int pushedBack = NOTHING;

	private int fieldIndex;

	private Set<Integer> undecodable;

	CsvRecords(DecodedText in) {
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
			undecodable = null;
			int end;
			do {
				fieldIndex = fields.size();
				StringBuilder field = new StringBuilder();
				end = readField(field, start);
				fields.add(field.toString());
			}
			while (end == ',');
			if (fields.size() > 1 || !fields.get(0).isBlank()) {
				return new Record(start, fields, undecodable == null ? Set.of() : Set.copyOf(undecodable));
			}
		}
	}

	/** Reads on, without splitting, to the start of line {@code target}; false when the text ends first. */
	boolean skipTo(long target) throws IOException {
		while (line < target) {
			int c = read();
			if (c == EOF) {
				return false;
			}
			if (c == '\r' || c == '\n') {
				lineBreak(c);
			}
		}
		return true;
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
				append(field, c);
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
				restOfLine(field, c);
				return endOfLine(read()) ? '\n' : EOF;
			}
			append(field, c);
			c = read();
		}
	}

	private void append(StringBuilder field, int c) {
		if (c == UNDECODABLE) {
			field.append('\uFFFD');
			if (undecodable == null) {
				undecodable = new HashSet<>();
			}
			undecodable.add(fieldIndex);
		}
		else {
			field.append((char) c);
		}
	}

	/** Appends the characters from {@code first} up to the end of the line, not consuming the line break. */
	private void restOfLine(StringBuilder field, int first) throws IOException {
		int c = first;
		while (c != EOF && c != '\r' && c != '\n') {
			append(field, c);
			c = read();
		}
		unread(c);
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
		if (pushedBack != NOTHING) {
			int c = pushedBack;
			pushedBack = NOTHING;
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
