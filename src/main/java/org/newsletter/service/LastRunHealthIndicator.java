package org.newsletter.service;

import org.newsletter.job.DigestRuns;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code lastRun} component of {@code /actuator/health}: the latest weekly-digest run
 * (dry runs aside). A run that failed or stopped is DOWN until {@code restart} finishes it: a
 * monitor should say so. Its failure's text stays in the log and {@code status} (it may name a
 * subscriber); the page is public.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class LastRunHealthIndicator implements HealthIndicator {

	private final DigestRuns runs;

	LastRunHealthIndicator(DigestRuns runs) {
		this.runs = runs;
	}

	@Override
	public Health health() {
		JobExecution last = runs.recent(20).filter(e -> !DigestRuns.dryRun(e)).findFirst().orElse(null);
		if (last == null) {
			return Health.up().withDetail("status", "no runs yet").build();
		}
		BatchStatus status = last.getStatus();
		var health = status == BatchStatus.COMPLETED || status.isRunning() ? Health.up() : Health.down();
		health.withDetail("status", status.toString())
			.withDetail("execution", last.getId())
			.withDetail("cutoff", last.getJobParameters().getString("cutoff"));
		if (last.getEndTime() != null) {
			health.withDetail("ended", last.getEndTime().toString());
		}
		if (!status.isRunning() && status != BatchStatus.COMPLETED) {
			health.withDetail("action", "./newsletter restart " + last.getId());
		}
		return health.build();
	}
}
