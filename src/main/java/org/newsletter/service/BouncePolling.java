package org.newsletter.service;

import java.time.Duration;
import java.time.Instant;

import org.newsletter.bounce.BounceCheck;
import org.newsletter.bounce.BounceMailboxException;
import org.newsletter.bounce.BounceProperties;
import org.newsletter.bounce.BounceSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * {@code serve}'s reading of the bounce mailbox between the weekly runs, every
 * {@code newsletter.bounce.poll} (5 minutes) from its start, so that a subscriber whose address
 * bounced is marked before the next issue and shows so in {@code subscribers list} at once. On
 * its own thread, with a fixed delay after each check (a slow mailbox never piles checks up); a
 * check is skipped when the run's own bounces step is reading the mailbox at that moment.
 * <p>
 * A mailbox that cannot be reached is logged as a warning once, and again only after it was
 * reachable in between (a mail server down for a night would otherwise fill the log every five
 * minutes); the service goes on either way. A check that read something is logged with its one
 * line; a check that found nothing new only at debug level.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class BouncePolling implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(BouncePolling.class);

	private final BounceCheck check;

	private final BounceProperties properties;

	private ThreadPoolTaskScheduler polls;

	private volatile boolean running;

	private volatile boolean failing;

	public BouncePolling(BounceCheck check, BounceProperties properties) {
		this.check = check;
		this.properties = properties;
	}

	@Override
	public void start() {
		running = true;
		if (!check.configured()) {
			log.info("no bounce mailbox (newsletter.bounce.host): bounces are not read");
			return;
		}
		polls = new ThreadPoolTaskScheduler();
		polls.setThreadNamePrefix("bounce-poll-");
		polls.initialize();
		polls.scheduleWithFixedDelay(this::poll, Instant.now(), properties.poll());
		log.info("the bounce mailbox is read every {}", properties.poll());
	}

	/** One check; never throws, so the schedule goes on. */
	void poll() {
		if (!running) {
			return;
		}
		try {
			BounceSummary summary = check.check();
			if (failing) {
				log.info("the bounce mailbox can be read again");
				failing = false;
			}
			if (summary.read() > 0 || summary.skipped() != null) {
				log.info(summary.line());
			}
			else {
				log.debug(summary.line());
			}
		}
		catch (BounceMailboxException ex) {
			if (!failing) {
				log.warn("{}; tried again every {}", ex.getMessage(), readable(properties.poll()));
				failing = true;
			}
			else {
				log.debug("{}", ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			log.error("reading the bounce mailbox failed", ex);
		}
	}

	private static String readable(Duration duration) {
		return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
	}

	@Override
	public void stop() {
		running = false;
		if (polls != null) {
			polls.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}
}
