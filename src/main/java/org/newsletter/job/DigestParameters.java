package org.newsletter.job;

import java.time.Instant;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * The parameters of a weekly-digest run. The cutoff identifies the job instance (one
 * instance per issue, DESIGN.md §5); a dry run adds its own start time so it never blocks
 * the real run of the same cutoff.
 *
 * @param cutoff the end of the window
 * @param dryRun render and write to the outbox, record nothing as sent
 * @param sendEmpty send even with fewer entries than min-entries
 * @param outbox deliver to the outbox folder even when SMTP is configured
 */
public record DigestParameters(Instant cutoff, boolean dryRun, boolean sendEmpty, boolean outbox) {

	static final String CUTOFF = "cutoff";

	static final String DRY_RUN = "dryRun";

	static final String SEND_EMPTY = "sendEmpty";

	static final String OUTBOX = "outbox";

	/** The job parameters of these settings; {@code now} marks a dry run's instance. */
	public JobParameters toJobParameters(Instant now) {
		var builder = new JobParametersBuilder().addString(CUTOFF, cutoff.toString());
		if (dryRun) {
			builder.addString(DRY_RUN, now.toString());
		}
		return builder.addString(SEND_EMPTY, Boolean.toString(sendEmpty), false)
			.addString(OUTBOX, Boolean.toString(outbox || dryRun), false)
			.toJobParameters();
	}

	/** Reads the settings back from a run's parameters. */
	public static DigestParameters of(JobParameters parameters) {
		return new DigestParameters(Instant.parse(parameters.getString(CUTOFF)), parameters.getString(DRY_RUN) != null,
				Boolean.parseBoolean(parameters.getString(SEND_EMPTY)), Boolean.parseBoolean(parameters.getString(OUTBOX)));
	}
}
