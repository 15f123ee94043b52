package org.newsletter.feed;

import java.time.Duration;

/**
 * When one feed must be done by: {@code newsletter.fetch.timeout} after its fetch started,
 * for the whole of it (connect, redirects, headers, body and parse), so a hostile feed cannot
 * hold a fetch thread, nor the run, longer than that.
 *
 * @param end the deadline on the {@link System#nanoTime()} clock
 * @param timeout the timeout it was set from, for the reason given
 */
public record Deadline(long end, Duration timeout) {

	/** No deadline: for a feed parsed outside a fetch (tests, tools). */
	public static final Deadline NONE = new Deadline(Long.MAX_VALUE, null);

	/** {@code timeout} from now. */
	public static Deadline after(Duration timeout) {
		// nanoTime is compared by difference: a timeout of centuries would wrap around
		long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : timeout.toNanos();
		return new Deadline(System.nanoTime() + nanos, timeout);
	}

	public boolean passed() {
		return this != NONE && System.nanoTime() - end >= 0;
	}

	/** What is left, in whole milliseconds, at least 1 (a socket timeout of 0 would mean none). */
	long remainingMillis() {
		if (this == NONE) {
			return Long.MAX_VALUE;
		}
		return Math.max(1, (end - System.nanoTime()) / 1_000_000);
	}

	/** @throws FeedException "timed out" when the deadline has passed */
	void check() throws FeedException {
		if (passed()) {
			throw timedOut(null);
		}
	}

	FeedException timedOut(Throwable cause) {
		return new FeedException(timeout == null ? TIMED_OUT : TIMED_OUT + " after " + timeout.toSeconds() + " s", cause);
	}

	/** How every reason of a feed that ran out of time begins. */
	static final String TIMED_OUT = "timed out";
}
