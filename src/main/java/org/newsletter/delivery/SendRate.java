package org.newsletter.delivery;

/**
 * Paces the messages of all connections together to {@code newsletter.send.rate-limit} per
 * second (providers such as SES throttle the account, not the connection).
 */
public class SendRate {

	private final long intervalNanos;

	private long nextNanos;

	/** @param perSecond messages per second over all connections; 0 or less for no limit */
	public SendRate(double perSecond) {
		this.intervalNanos = perSecond > 0 ? (long) (1_000_000_000L / perSecond) : 0;
	}

	/** Waits for this thread's turn to send one message. */
	public void acquire() throws DeliveryException {
		if (intervalNanos == 0) {
			return;
		}
		long slot;
		synchronized (this) {
			long now = System.nanoTime();
			slot = Math.max(now, nextNanos);
			nextNanos = slot + intervalNanos;
		}
		long wait = slot - System.nanoTime();
		if (wait > 0) {
			try {
				Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new DeliveryException("interrupted", ex);
			}
		}
	}
}
