package org.newsletter.subscriber;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import org.springframework.stereotype.Component;

/**
 * Writes every subscriber as CSV: email, name, status, created, updated, unsubscribed_at, then
 * one column per attribute name (sorted). Streams the table, so memory does not grow with the
 * list. Cells a spreadsheet would run as a formula are written with a leading {@code '}, which
 * an import takes off again: importing an export changes nothing.
 */
@Component
public class CsvExport {

	private final SubscriberRepository subscribers;

	CsvExport(SubscriberRepository subscribers) {
		this.subscribers = subscribers;
	}

	/** Writes the list to {@code out}; returns how many subscribers it wrote. */
	public long export(Writer out) {
		SortedSet<String> attributeNames = new TreeSet<>();
		subscribers.forEachAttributes(json -> attributeNames.addAll(Attributes.decode(json).keySet()));
		List<String> header = new ArrayList<>(List.of(CsvRowReader.EMAIL, CsvRowReader.NAME, CsvRowReader.STATUS));
		header.addAll(CsvRowReader.EXPORT_ONLY);
		header.addAll(attributeNames);
		long[] count = { 0 };
		try {
			CSVPrinter printer = CSVFormat.RFC4180.print(out);
			printer.printRecord(header);
			subscribers.forEachStored(s -> {
				List<String> cells = new ArrayList<>(header.size());
				cells.add(s.email());
				cells.add(s.name());
				cells.add(s.status());
				cells.add(text(s.created()));
				cells.add(text(s.updated()));
				cells.add(text(s.unsubscribedAt()));
				SortedMap<String, String> attributes = Attributes.decode(s.attributes());
				attributeNames.forEach(name -> cells.add(attributes.get(name)));
				try {
					printer.printRecord(cells.stream().map(c -> c == null ? "" : SpreadsheetCells.neutralise(c)));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				count[0]++;
			});
			printer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return count[0];
	}

	private static String text(Instant instant) {
		return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}
}
