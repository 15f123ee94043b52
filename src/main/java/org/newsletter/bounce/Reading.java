package org.newsletter.bounce;

import java.util.List;
import java.util.Locale;

/** What a message of the bounce mailbox turned out to be ({@link BounceParser}). */
sealed interface Reading {

	/** How a bounce counts towards marking its subscriber bounced. */
	enum Kind {

		/** The address does not work (5.x.x: no such user, domain, mailbox disabled). */
		HARD,

		/**
		 * The address may work another time (4.x.x given up after the retries, a full mailbox) or
		 * the message rather than the address was refused (x.7.x: spam filter, policy).
		 */
		SOFT;

		/** The value of the {@code bounce.kind} column. */
		String column() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** Why a message is not a bounce. */
	enum Why {

		/** An out-of-office or other automatic reply (RFC 3834): the address works. */
		AUTO_REPLY,

		/** A delivery status notification that a message is delayed and still being retried. */
		DELAY_WARNING,

		/** Anything else: a person's mail, a read receipt, a complaint report, a success report. */
		OTHER
	}

	/**
	 * A report that a message could not be delivered.
	 *
	 * @param status the RFC 3463 status code ({@code 5.1.1}), or {@code unknown}
	 * @param diagnostic the reporting server's words (its SMTP reply), one line; may be empty
	 * @param recipients the failed addresses the report names (Final- and Original-Recipient,
	 *     X-Failed-Recipients), lower-case; may be empty
	 */
	record Bounce(Kind kind, String status, String diagnostic, List<String> recipients) implements Reading {
	}

	/** A message that is not a bounce; {@code detail} says what it looked like, for the log. */
	record NotBounce(Why why, String detail) implements Reading {
	}
}
