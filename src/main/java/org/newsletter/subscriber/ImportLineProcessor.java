package org.newsletter.subscriber;

import java.util.Locale;
import java.util.Map;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Checks one CSV line on its own: readable (a line that is not keeps its address for
 * {@code --replace} when that cell could be read), no line break or control character in any field,
 * a known status, a valid address (normalised), a name that fits. Never throws for bad data:
 * a bad line becomes a {@link ImportLine.Rejected} with the reason.
 */
class ImportLineProcessor implements ItemProcessor<CsvRow, ImportLine> {

	static final int MAX_NAME = 200;

	private static final int MAX_VALUE = 200;

	@Override
	public ImportLine process(CsvRow row) {
		if (row.problem() != null) {
			return new ImportLine.Rejected(row.line(), printable(row.email()), row.problem(),
					row.addressRead() ? keyOrNull(row.email()) : null, !row.addressRead());
		}
		String value = printable(row.email());
		// normalised once: it was done twice per line, 5 % of an import's time
		Address address = Address.of(row.email());
		String key = address.key();
		String field = fieldWithControlCharacter(row);
		if (field != null) {
			return new ImportLine.Rejected(row.line(), value, "line break or control character in the " + field
					+ " field", key);
		}
		String status = row.status() == null ? "" : row.status().strip().toLowerCase(Locale.ROOT);
		if (!status.isEmpty() && !Subscriber.STATUSES.contains(status)) {
			return new ImportLine.Rejected(row.line(), value,
					"unknown status '" + printable(row.status()) + "' (" + Subscriber.statusChoices() + ")", key);
		}
		String name = row.name() == null || row.name().isBlank() ? null : row.name().strip();
		if (name != null && name.length() > MAX_NAME) {
			return new ImportLine.Rejected(row.line(), value, "name longer than " + MAX_NAME + " characters", key);
		}
		if (row.email().isBlank()) {
			return new ImportLine.Rejected(row.line(), value, "no address", null);
		}
		if (address.failure() != null) {
			throw address.failure();
		}
		if (address.email() == null) {
			return new ImportLine.Rejected(row.line(), value, address.invalid(), null);
		}
		return new ImportLine.Accepted(row.line(), address.email(), name, status.isEmpty() ? null : status,
				row.attributes());
	}

	/** An address cell normalised: the address, or why it is not one, or the unexpected failure. */
	private record Address(String email, String invalid, RuntimeException failure) {

		static Address of(String raw) {
			try {
				return new Address(EmailAddresses.normalise(raw), null, null);
			}
			catch (InvalidAddressException ex) {
				return new Address(null, ex.getMessage(), null);
			}
			catch (RuntimeException ex) {
				return new Address(null, null, ex);
			}
		}

		String key() {
			return email == null ? null : EmailAddresses.key(email);
		}
	}

	private static String fieldWithControlCharacter(CsvRow row) {
		if (hasControl(row.email())) {
			return CsvRowReader.EMAIL;
		}
		if (hasControl(row.name())) {
			return CsvRowReader.NAME;
		}
		if (hasControl(row.status())) {
			return CsvRowReader.STATUS;
		}
		for (Map.Entry<String, String> attribute : row.attributes().entrySet()) {
			if (hasControl(attribute.getValue())) {
				return "'" + attribute.getKey() + "'";
			}
		}
		return null;
	}

	private static boolean hasControl(String value) {
		return value != null && value.chars().anyMatch(Character::isISOControl);
	}

	private static String keyOrNull(String email) {
		try {
			return EmailAddresses.key(EmailAddresses.normalise(email));
		}
		catch (InvalidAddressException | RuntimeException ex) {
			return null;
		}
	}

	/** The value as one line, control characters shown as ␤, cut to a readable length. */
	static String printable(String value) {
		String line = value == null ? "" : value.replaceAll("\\p{Cntrl}", "␤").strip();
		return line.length() > MAX_VALUE ? line.substring(0, MAX_VALUE) + "…" : line;
	}
}
