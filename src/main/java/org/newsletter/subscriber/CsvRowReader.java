package org.newsletter.subscriber;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.io.input.BOMInputStream;
import org.newsletter.BadInputException;

import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

/**
 * Reads a subscriber CSV file ({@link CsvRecords}: RFC 4180, read leniently; UTF-8 with or
 * without a byte-order mark; CRLF or LF) one record at a time, so memory does not
 * grow with the file. The header row names the columns, in any case: {@code email} (required),
 * {@code name}, {@code status}; the columns an export adds ({@code created}, {@code updated},
 * {@code unsubscribed_at}) are skipped and every other column is an attribute, named by its
 * header in lower case with spaces as {@code _} ({@code Home City} is {@code home_city}).
 * <p>
 * Restartable: the framework stores how many records were read and a restarted step skips
 * them. A record that cannot be split (an unterminated quote) is returned as an unreadable row
 * and ends the file.
 */
class CsvRowReader extends AbstractItemCountingItemStreamItemReader<CsvRow> {

	static final String EMAIL = "email";

	static final String NAME = "name";

	static final String STATUS = "status";

	/** Columns an export writes that an import does not read back. */
	static final List<String> EXPORT_ONLY = List.of("created", "updated", "unsubscribed_at");

	private static final Set<String> KNOWN = Set.of(EMAIL, NAME, STATUS, "created", "updated", "unsubscribed_at");

	private final Path file;

	private CsvRecords records;

	private Columns columns;

	private boolean ended;

	CsvRowReader(Path file) {
		this.file = file;
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
	static void checkHeader(Path file) {
		try (CsvRecords records = open(file)) {
			header(records, file);
		}
		catch (IOException ex) {
			throw unreadable(file, ex);
		}
	}

	@Override
	protected void doOpen() throws IOException {
		records = open(file);
		columns = header(records, file);
		ended = false;
	}

	@Override
	protected CsvRow doRead() throws IOException {
		if (ended) {
			return null;
		}
		CsvRecords.Record record;
		try {
			record = records.next();
		}
		catch (CsvRecords.UnterminatedQuoteException ex) {
			ended = true;
			return CsvRow.unreadable(ex.line(), "unterminated quote");
		}
		catch (CharacterCodingException ex) {
			ended = true;
			return CsvRow.unreadable(records.line(), "not UTF-8 text");
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
		return new CsvRow(record.line(), cell(fields, columns.email()), cell(fields, columns.name()),
				cell(fields, columns.status()), attributes, null);
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

	private static Columns header(CsvRecords records, Path file) throws IOException {
		CsvRecords.Record header;
		try {
			header = records.next();
		}
		catch (CsvRecords.UnterminatedQuoteException | CharacterCodingException ex) {
			throw new BadInputException("subscriber file " + file + ", line 1: the header cannot be read: "
					+ (ex instanceof CharacterCodingException ? "not UTF-8 text" : ex.getMessage()));
		}
		if (header == null) {
			throw new BadInputException("subscriber file " + file + " is empty: it needs a header row with an 'email' column");
		}
		return Columns.of(header.fields(), file);
	}

	private static CsvRecords open(Path file) throws IOException {
		try {
			var in = BOMInputStream.builder().setInputStream(Files.newInputStream(file)).get();
			var decoder = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT);
			return new CsvRecords(new BufferedReader(new InputStreamReader(in, decoder), 65536));
		}
		catch (NoSuchFileException ex) {
			throw new BadInputException("subscriber file " + file + " does not exist");
		}
	}

	private static BadInputException unreadable(Path file, IOException ex) {
		return new BadInputException("subscriber file " + file + " cannot be read: " + ex.getMessage());
	}
}
