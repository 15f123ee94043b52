package org.newsletter.service;

import org.newsletter.config.NewsletterProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** The {@code schedule} component of {@code /actuator/health}: the next tick, or that there is no schedule. */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ScheduleHealthIndicator implements HealthIndicator {

	private final DigestSchedule schedule;

	private final NewsletterProperties properties;

	ScheduleHealthIndicator(DigestSchedule schedule, NewsletterProperties properties) {
		this.schedule = schedule;
		this.properties = properties;
	}

	@Override
	public Health health() {
		var health = Health.up();
		schedule.nextTick().ifPresentOrElse(next -> health.withDetail("schedule", properties.schedule())
			.withDetail("zone", properties.scheduleZone().getId())
			.withDetail("next", next.toInstant().toString()), () -> health.withDetail("schedule", "none"));
		return health.build();
	}
}
