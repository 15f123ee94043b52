package org.newsletter.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down guessing the operator's password: after {@value #FAILURES} failed sign-ins within
 * a minute, every sign-in is refused, the right password too, until that minute is over. Counted
 * over all clients, as behind the TLS proxy every client has the proxy's address; the operator
 * locked out by someone guessing waits a minute at most, and the log says it happened.
 */
final class SignInThrottle {

	private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);

	static final int FAILURES = 10;

	static final Duration WINDOW = Duration.ofMinutes(1);

	private final Clock clock;

	private Instant windowStart = Instant.EPOCH;

	private int failures;

	SignInThrottle(Clock clock) {
		this.clock = clock;
	}

	/** Whether a sign-in may be tried now. */
	synchronized boolean open() {
		roll();
		return failures < FAILURES;
	}

	/** Counts a failed sign-in. */
	synchronized void failed() {
		roll();
		if (++failures == FAILURES) {
			log.warn("{} failed sign-ins to the operator page within {}: sign-ins are refused until {}", FAILURES, WINDOW,
					windowStart.plus(WINDOW));
		}
	}

	private void roll() {
		Instant now = clock.instant();
		if (!now.isBefore(windowStart.plus(WINDOW))) {
			windowStart = now;
			failures = 0;
		}
	}
}
