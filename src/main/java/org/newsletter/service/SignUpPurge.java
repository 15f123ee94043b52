package org.newsletter.service;

import java.time.Clock;

import org.newsletter.signup.ConfirmProperties;
import org.newsletter.signup.SignUps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The service's purge of sign-ups nobody confirmed (issue 17): at its start and every
 * {@code newsletter.confirm.purge-every} (1h), the pending subscribers whose confirmation link
 * has expired are deleted, so an address someone typed in and nobody confirmed is kept no longer
 * than the link works. Only {@code serve} takes sign-ups, so only it purges them; the purge
 * reads the small {@code sign_up} table, never the whole list.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SignUpPurge implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SignUpPurge.class);

	private final SignUps signUps;

	private final ConfirmProperties settings;

	private final Clock clock;

	private ThreadPoolTaskScheduler scheduler;

	private volatile boolean running;

	public SignUpPurge(SignUps signUps, ConfirmProperties settings, Clock clock) {
		this.signUps = signUps;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public void start() {
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("sign-up-purge-");
		scheduler.setClock(clock);
		scheduler.initialize();
		scheduler.scheduleWithFixedDelay(this::purge, clock.instant(), settings.purgeEvery());
		running = true;
	}

	private void purge() {
		try {
			int purged = signUps.purge(clock.instant());
			if (purged > 0) {
				log.info("purged {} pending sign-up(s) not confirmed within newsletter.confirm.expiry ({})", purged,
						settings.expiry());
			}
		}
		catch (RuntimeException ex) {
			// the next purge tries again; an exception out of it would end the schedule
			log.warn("purging expired sign-ups failed: {}", ex.getMessage(), ex);
		}
	}

	@Override
	public void stop() {
		running = false;
		if (scheduler != null) {
			scheduler.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}
}
