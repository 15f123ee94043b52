package org.newsletter.subscriber;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.io.input.BOMInputStream;
import org.newsletter.config.BadInputException;

import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

/**
 * Reads a subscriber CSV file ({@link CsvRecords}: RFC 4180, read leniently; in the charset
 * given, a UTF-8 byte-order mark skipped; CRLF or LF) one record at a time, so memory does not
 * grow with the file. The header row names the columns, in any case: {@code email} (required),
 * {@code name}, {@code status}; the columns an export adds ({@code created}, {@code updated},
 * {@code unsubscribed_at}) are skipped and every other column is an attribute, named by its
 * header in lower case with spaces as {@code _} ({@code Home City} is {@code home_city}).
 * <p>
 * Restartable: the framework stores how many records were read and a restarted step skips
 * them. A line that cannot be read is returned as a row with its problem, at its own line, and
 * the lines after it are read: bytes that are not text in the charset spoil only their record;
 * a quote that never closes (it runs to the end of the file) spoils the line it opens on, and
 * reading starts again on the next line.
 */
class CsvRowReader extends AbstractItemCountingItemStreamItemReader<CsvRow> {

	static final String EMAIL = "email";

	static final String NAME = "name";

	static final String STATUS = "status";

	/** Columns an export writes that an import does not read back. */
	static final List<String> EXPORT_ONLY = List.of("created", "updated", "unsubscribed_at");

	private static final Set<String> KNOWN = Set.of(EMAIL, NAME, STATUS, "created", "updated", "unsubscribed_at");

	private final Path file;

	private final Charset charset;

	private CsvRecords records;

	private Columns columns;

	CsvRowReader(Path file, Charset charset) {
		this.file = file;
		this.charset = charset;
		setName("csv");
	}

	/**
	 * Where each column is: the known ones by lower-case name, the attributes by header in order.
	 * Without a {@code status} header the field after the last column is the status, as in the
	 * documented shape {@code email,name[,status]}.
	 */
	record Columns(int email, int name, int status, Map<String, Integer> attributes, int width) {

		static Columns of(List<String> header, Path file) {
			Map<String, Integer> known = new LinkedHashMap<>();
			Map<String, Integer> attributes = new LinkedHashMap<>();
			Set<String> seen = new java.util.HashSet<>();
			for (int i = 0; i < header.size(); i++) {
				String name = header.get(i) == null ? "" : header.get(i).strip();
				if (name.isEmpty()) {
					continue;
				}
				String lower = name.toLowerCase(Locale.ROOT).replaceAll("\\s+", "_");
				if (!seen.add(lower)) {
					throw new BadInputException("subscriber file " + file + ", line 1: the column '" + name
							+ "' appears twice in the header");
				}
				if (KNOWN.contains(lower)) {
					known.put(lower, i);
				}
				else {
					attributes.put(lower, i);
				}
			}
			if (!known.containsKey(EMAIL)) {
				throw new BadInputException("subscriber file " + file + ", line 1: no 'email' column in the header"
						+ (header.isEmpty() ? "" : " (found: " + String.join(", ", header) + ")"));
			}
			int status = known.getOrDefault(STATUS, header.size());
			return new Columns(known.get(EMAIL), known.getOrDefault(NAME, -1), status, java.util.Collections.unmodifiableMap(attributes),
					Math.max(header.size(), status + 1));
		}
	}

	/** Checks that {@code file} can be read and has an {@code email} column; the one-line error otherwise. */
	static void checkHeader(Path file, Charset charset) {
		try (CsvRecords records = open(file, charset)) {
			header(records, file, charset);
		}
		catch (IOException ex) {
			throw unreadable(file, ex);
		}
	}

	@Override
	protected void doOpen() throws IOException {
		records = open(file, charset);
		columns = header(records, file, charset);
	}

	@Override
	protected CsvRow doRead() throws IOException {
		CsvRecords.Record record;
		try {
			record = records.next();
		}
		catch (CsvRecords.UnterminatedQuoteException ex) {
			records.close();
			records = open(file, charset);
			records.skipTo(ex.line() + 1);
			return CsvRow.unreadable(ex.line(), "unterminated quote");
		}
		if (record == null) {
			return null;
		}
		List<String> fields = record.fields();
		if (fields.size() > columns.width()) {
			return CsvRow.unreadable(record.line(), fields.size() + " fields but the header has " + columns.width()
					+ " columns");
		}
		Map<String, String> attributes = new LinkedHashMap<>();
		columns.attributes().forEach((header, index) -> attributes.put(header, cell(fields, index)));
		if (!record.undecodable().isEmpty()) {
			return new CsvRow(record.line(), cell(fields, columns.email()), null, null, Map.of(), notText(charset),
					!record.undecodable().contains(columns.email()));
		}
		return new CsvRow(record.line(), cell(fields, columns.email()), cell(fields, columns.name()),
				cell(fields, columns.status()), attributes);
	}

	@Override
	protected void doClose() throws IOException {
		if (records != null) {
			records.close();
			records = null;
		}
	}

	private static String cell(List<String> fields, int index) {
		return index >= 0 && index < fields.size() ? SpreadsheetCells.restore(fields.get(index)) : "";
	}

	/** The reason given for a line with bytes that are not text in {@code charset}. */
	static String notText(Charset charset) {
		return "not " + charset.name() + " text";
	}

	private static Columns header(CsvRecords records, Path file, Charset charset) throws IOException {
		CsvRecords.Record header;
		try {
			header = records.next();
		}
		catch (CsvRecords.UnterminatedQuoteException ex) {
			throw new BadInputException("subscriber file " + file + ", line " + ex.line() + ": the header cannot be read: "
					+ ex.getMessage());
		}
		if (header == null) {
			throw new BadInputException("subscriber file " + file + " is empty: it needs a header row with an 'email' column");
		}
		if (!header.undecodable().isEmpty()) {
			throw new BadInputException("subscriber file " + file + ", line " + header.line()
					+ ": the header cannot be read: " + notText(charset));
		}
		return Columns.of(header.fields(), file);
	}

	private static CsvRecords open(Path file, Charset charset) throws IOException {
		try {
			var in = BOMInputStream.builder().setInputStream(Files.newInputStream(file)).get();
			return new CsvRecords(new DecodedText(in, charset));
		}
		catch (NoSuchFileException ex) {
			throw new BadInputException("subscriber file " + file + " does not exist");
		}
	}

	private static BadInputException unreadable(Path file, IOException ex) {
		return new BadInputException("subscriber file " + file + " cannot be read: " + ex.getMessage());
	}
}
