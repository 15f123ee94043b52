package org.newsletter.delivery;

import java.util.Locale;

/** What became of one issue's message to one subscriber, as the {@code delivery} table keeps it. */
public enum DeliveryStatus {

	/** Accepted by the SMTP server (or written to the outbox). */
	SENT,

	/** Refused for good (a 5xx reply); the server's reply says why. */
	FAILED,

	/** Refused for now (a 4xx reply for this recipient) after the retries; a restart tries again. */
	DEFERRED;

	/** The value of the {@code status} column. */
	public String column() {
		return name().toLowerCase(Locale.ROOT);
	}
}
