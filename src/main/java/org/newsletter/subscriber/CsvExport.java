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
 * list; the rows are read on a thread of their own while the CSV is written
 * ({@link SubscriberRepository#forEachStored}). Cells a spreadsheet would run as a formula are written with a leading {@code '}, which
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
		Times times = new Times();
		try {
			CSVPrinter printer = CSVFormat.RFC4180.print(out);
			printer.printRecord(header);
			subscribers.forEachStored(s -> {
				List<String> cells = new ArrayList<>(header.size());
				cells.add(s.email());
				cells.add(s.name());
				cells.add(s.status());
				cells.add(times.text(s.created()));
				cells.add(times.text(s.updated()));
				cells.add(times.text(s.unsubscribedAt()));
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

	/**
	 * Instants as written, to the second. The subscribers an import added share the chunk's
	 * instant, and rows come in id order: the last instant written is asked for again and again
	 * (formatting each anew was 8 % of an export's time).
	 */
	private static final class Times {

		private Instant last;

		private String lastText;

		String text(Instant instant) {
			if (instant == null) {
				return null;
			}
			if (!instant.equals(last)) {
				last = instant;
				lastText = instant.truncatedTo(ChronoUnit.SECONDS).toString();
			}
			return lastText;
		}
	}
}
