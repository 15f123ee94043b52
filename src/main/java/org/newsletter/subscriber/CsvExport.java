package org.newsletter.subscriber;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

	private final AttributeNames attributeNames;

	CsvExport(SubscriberRepository subscribers, AttributeNames attributeNames) {
		this.subscribers = subscribers;
		this.attributeNames = attributeNames;
	}

	/**
	 * Writes the list to {@code out}; returns how many subscribers it wrote. The header's
	 * attribute names come from their record ({@link AttributeNames}) when it is exact: the rows
	 * are then read once. Otherwise every row is read for them first, and the record settled.
	 * @throws IllegalStateException when a row holds a name the header lacks (a change beside the
	 *         export); nothing is left out silently, and the next export reads the names from the rows
	 */
	public long export(Writer out) {
		AttributeNames.Snapshot recorded = attributeNames.snapshot();
		SortedSet<String> names = recorded.exact() ? recorded.names() : new TreeSet<>();
		if (!recorded.exact()) {
			subscribers.forEachAttributes(json -> names.addAll(Attributes.decode(json).keySet()));
		}
		List<String> header = new ArrayList<>(List.of(CsvRowReader.EMAIL, CsvRowReader.NAME, CsvRowReader.STATUS));
		header.addAll(CsvRowReader.EXPORT_ONLY);
		header.addAll(names);
		long[] count = { 0 };
		Set<String> held = new HashSet<>();
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
				if (recorded.exact() && !names.containsAll(attributes.keySet())) {
					attributeNames.markInexact();
					throw new IllegalStateException("subscriber " + s.email() + " has an attribute the export's header lacks ("
							+ attributes.keySet().stream().filter(name -> !names.contains(name)).findFirst().orElseThrow()
							+ "), written while the export ran; run the export again");
				}
				held.addAll(attributes.keySet());
				names.forEach(name -> cells.add(attributes.get(name)));
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
		if (!recorded.exact()) {
			attributeNames.settle(recorded, names);
		}
		else if (!held.containsAll(names)) {
			// a name nobody holds any more (its column was empty): the next export reads the names from the rows
			attributeNames.markInexact();
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
