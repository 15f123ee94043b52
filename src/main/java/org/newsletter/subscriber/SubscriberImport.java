package org.newsletter.subscriber;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import org.newsletter.BadInputException;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports subscribers from a CSV file with a header row ({@code email} required, {@code name}
 * and {@code status} optional, found by name in any case). Each bad line is rejected with its
 * line number and reason; the good lines are kept.
 */
@Component
public class SubscriberImport {

	private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
		.setHeader()
		.setSkipHeaderRecord(true)
		.setIgnoreEmptyLines(true)
		.get();

	private final SubscriberRepository subscribers;

	private final TransactionTemplate transactions;

	private final Clock clock;

	public SubscriberImport(SubscriberRepository subscribers, TransactionTemplate transactions, Clock clock) {
		this.subscribers = subscribers;
		this.transactions = transactions;
		this.clock = clock;
	}

	/** A line that was not imported. */
	public record Rejection(long line, String value, String reason) {

		@Override
		public String toString() {
			return "line " + line + ": " + reason + (value.isEmpty() ? "" : " (" + value + ")");
		}
	}

	/** What an import did. */
	public record Report(int added, int updated, int unchanged, List<Rejection> rejected) {

		public int imported() {
			return added + updated + unchanged;
		}

		public String summary() {
			return imported() + " imported (" + added + " added, " + updated + " updated, " + unchanged
					+ " unchanged), " + rejected.size() + " rejected";
		}
	}

	/** Imports {@code file}; with {@code dryRun} the report is made and nothing is written. */
	public Report importFile(Path file, boolean dryRun) {
		try (Reader reader = reader(file); CSVParser parser = FORMAT.parse(reader)) {
			Map<String, Integer> header = columns(parser, file);
			return transactions.execute(status -> {
				Report report = importRecords(parser, header);
				if (dryRun) {
					status.setRollbackOnly();
				}
				return report;
			});
		}
		catch (NoSuchFileException ex) {
			throw new BadInputException("subscriber file " + file + " does not exist");
		}
		catch (IOException | UncheckedIOException | IllegalArgumentException ex) {
			throw new BadInputException("subscriber file " + file + " cannot be read: " + ex.getMessage());
		}
	}

	private static Reader reader(Path file) throws IOException {
		var in = BOMInputStream.builder().setInputStream(Files.newInputStream(file)).get();
		return new java.io.InputStreamReader(in, StandardCharsets.UTF_8);
	}

	private static Map<String, Integer> columns(CSVParser parser, Path file) {
		Map<String, Integer> byLowerName = new java.util.HashMap<>();
		parser.getHeaderMap().forEach((name, index) -> byLowerName.put(name.strip().toLowerCase(Locale.ROOT), index));
		if (!byLowerName.containsKey("email")) {
			throw new BadInputException("subscriber file " + file + ", line 1: no 'email' column in the header");
		}
		return byLowerName;
	}

	private Report importRecords(CSVParser parser, Map<String, Integer> header) {
		int added = 0;
		int updated = 0;
		int unchanged = 0;
		List<Rejection> rejected = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		Iterator<CSVRecord> records = parser.iterator();
		long nextLine = parser.getCurrentLineNumber() + 1;
		while (true) {
			long line = nextLine;
			CSVRecord record;
			try {
				if (!records.hasNext()) {
					break;
				}
				record = records.next();
			}
			catch (UncheckedIOException ex) {
				rejected.add(new Rejection(line, "", "unterminated quote"));
				break;
			}
			nextLine = parser.getCurrentLineNumber() + 1;
			String email = field(record, header, "email");
			try {
				SubscriberRepository.Change change = importRecord(record, header, seen);
				switch (change) {
					case ADDED -> added++;
					case UPDATED -> updated++;
					case UNCHANGED -> unchanged++;
				}
			}
			catch (InvalidAddressException ex) {
				rejected.add(new Rejection(line, printable(email), ex.getMessage()));
			}
		}
		return new Report(added, updated, unchanged, rejected);
	}

	private SubscriberRepository.Change importRecord(CSVRecord record, Map<String, Integer> header, Set<String> seen)
			throws InvalidAddressException {
		String name = field(record, header, "name");
		String status = field(record, header, "status").toLowerCase(Locale.ROOT);
		if (name.chars().anyMatch(Character::isISOControl)) {
			throw new InvalidAddressException("line break or control character in the name");
		}
		if (!status.isEmpty() && !status.equals(Subscriber.ACTIVE) && !status.equals(Subscriber.UNSUBSCRIBED)) {
			throw new InvalidAddressException("unknown status '" + status + "' (active or unsubscribed)");
		}
		String email = EmailAddresses.normalise(field(record, header, "email"));
		if (!seen.add(EmailAddresses.key(email))) {
			throw new InvalidAddressException("duplicate of an earlier line");
		}
		return subscribers.upsert(email, name.isBlank() ? null : name.strip(),
				status.isEmpty() ? Subscriber.ACTIVE : status, false, clock.instant());
	}

	private static String field(CSVRecord record, Map<String, Integer> header, String column) {
		Integer index = header.get(column);
		return index == null || index >= record.size() ? "" : record.get(index);
	}

	private static String printable(String value) {
		return value.replaceAll("\\p{Cntrl}", "␤").strip();
	}
}
