package org.newsletter.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.newsletter.subscriber.SpreadsheetCells;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes an issue's per-subscriber delivery report as CSV: email, name, status, attempted_at,
 * smtp_reply, message_id. Streams the table, so memory does not grow with the list. Cells a
 * spreadsheet would run as a formula get a leading {@code '}, as in the subscriber export.
 * A delivery to someone forgotten at their request keeps its line, with
 * {@value DeliveryRepository#FORGOTTEN} for the email. A delivery that bounced after the server
 * took it has the status {@code bounced}.
 */
@Component
public class DeliveryReport {

	/** The report's columns. */
	public static final List<String> HEADER = List.of("email", "name", "status", "attempted_at", "smtp_reply",
			"message_id");

	/** Which lines a report holds. */
	public enum Status {

		/** Accepted by the SMTP server (or written to the outbox). */
		SENT,

		/** Refused for good; the line carries the server's reply. */
		FAILED,

		/** Refused for now past the retries; the line carries the server's reply; a restart retries them. */
		DEFERRED,

		/**
		 * Accepted by the SMTP server, then reported undeliverable to the bounce mailbox (bounce
		 * package); the line carries the server's reply followed by the bounce's status and words.
		 */
		BOUNCED,

		/** Active subscribers with no delivery of the issue yet. */
		PENDING
	}

	private final DeliveryRepository deliveries;

	DeliveryReport(DeliveryRepository deliveries) {
		this.deliveries = deliveries;
	}

	/**
	 * The issue a report is of by default: the latest one, not a dry run, that has any delivery
	 * (sent, failed or deferred).
	 */
	@Transactional(readOnly = true)
	public Optional<Long> latestIssue() {
		return deliveries.latestIssueWithDeliveries();
	}

	/**
	 * Writes the report of issue {@code issueId} to {@code out}: the lines with {@code status},
	 * or every delivery (sent, failed, deferred and bounced) when it is null. Returns how many lines it wrote.
	 */
	// One snapshot of the tables; and PostgreSQL streams a result only inside a transaction.
	@Transactional(readOnly = true)
	public long write(long issueId, Status status, Writer out) {
		long[] count = { 0 };
		try {
			CSVPrinter printer = CSVFormat.RFC4180.print(out);
			printer.printRecord(HEADER);
			Consumer<DeliveryRepository.ReportLine> print = line -> {
				print(printer, line);
				count[0]++;
			};
			if (status == Status.PENDING) {
				deliveries.forEachPending(issueId, print);
			}
			else {
				deliveries.forEachDelivery(issueId, status == null ? null : status.name().toLowerCase(Locale.ROOT), print);
			}
			printer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return count[0];
	}

	private static void print(CSVPrinter printer, DeliveryRepository.ReportLine line) {
		try {
			printer.printRecord(Stream.of(line.email(), line.name(), line.status(), text(line.attemptedAt()),
					line.smtpReply(), line.messageId()).map(c -> c == null ? "" : SpreadsheetCells.neutralise(c)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String text(Instant instant) {
		return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}
}
