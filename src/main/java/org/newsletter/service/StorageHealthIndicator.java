package org.newsletter.service;

import org.newsletter.config.StorageFailures;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code storage} component of {@code /actuator/health}: DOWN once a write of the
 * database's files has failed (a full disk). No later write of this process is trusted, so the
 * service must be restarted once there is room again.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class StorageHealthIndicator implements HealthIndicator {

	@Override
	public Health health() {
		String failure = StorageFailures.heard();
		return failure == null ? Health.up().build()
				: Health.down().withDetail("failure", "the data directory's files could not be written; free space, then "
						+ "restart the service").build();
	}
}
