package org.newsletter.web;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code serve} does with a connection when every request thread is busy: refuses it, so
 * the JDK server closes it unanswered, and tells the log at most once a minute how many went
 * (a flood of slow clients would otherwise write a line per connection).
 */
final class RefusedRequests implements RejectedExecutionHandler {

	private static final Logger log = LoggerFactory.getLogger(RefusedRequests.class);

	private static final long LOG_EVERY_NANOS = 60_000_000_000L;

	private final int threads;

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

	RefusedRequests(int threads) {
		this.threads = threads;
	}

	@Override
	public void rejectedExecution(Runnable request, ThreadPoolExecutor executor) {
		refused.incrementAndGet();
		long last = lastLogged.get();
		long now = System.nanoTime();
		if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
			log.warn("all {} request threads busy (slow or many clients): closed {} connection(s) unanswered; "
					+ "see newsletter.serve.threads", threads, refused.getAndSet(0));
		}
		throw new RejectedExecutionException("all " + threads + " request threads are busy");
	}
}
