package org.newsletter.subscriber;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Validation and normalisation of subscriber addresses. */
public final class EmailAddresses {

	private static final Pattern LABEL = Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

	private EmailAddresses() {
	}

	/** The address trimmed with its domain lower-cased, or why it is not a usable address. */
	public static String normalise(String raw) throws InvalidAddressException {
		String address = raw == null ? "" : raw.strip();
		if (address.isEmpty()) {
			throw new InvalidAddressException("empty address");
		}
		if (address.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
			throw new InvalidAddressException("white space or a control character in the address");
		}
		try {
			var parsed = new InternetAddress(address, true);
			parsed.validate();
			if (!address.equals(parsed.getAddress())) {
				throw new InvalidAddressException("not a bare address");
			}
		}
		catch (AddressException ex) {
			throw new InvalidAddressException("invalid address");
		}
		int at = address.lastIndexOf('@');
		if (at < 1) {
			throw new InvalidAddressException("invalid address (no domain)");
		}
		String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
		Optional<String> problem = domainProblem(domain);
		if (problem.isPresent()) {
			throw new InvalidAddressException(problem.get());
		}
		return address.substring(0, at) + "@" + domain;
	}

	/** The identity of an address: the same address in any case is the same subscriber. */
	public static String key(String normalised) {
		return normalised.toLowerCase(Locale.ROOT);
	}

	private static Optional<String> domainProblem(String domain) {
		String ascii;
		try {
			ascii = java.net.IDN.toASCII(domain, java.net.IDN.USE_STD3_ASCII_RULES);
		}
		catch (IllegalArgumentException ex) {
			return Optional.of("invalid domain");
		}
		String[] labels = ascii.split("\\.", -1);
		if (labels.length < 2) {
			return Optional.of("domain has no dot");
		}
		for (String label : labels) {
			if (label.isEmpty()) {
				return Optional.of("empty label in the domain (two dots or a trailing dot)");
			}
			if (!LABEL.matcher(label).matches()) {
				return Optional.of("invalid domain label '" + label + "'");
			}
		}
		if (labels[labels.length - 1].matches("\\d+")) {
			return Optional.of("numeric top-level domain");
		}
		return Optional.empty();
	}
}
