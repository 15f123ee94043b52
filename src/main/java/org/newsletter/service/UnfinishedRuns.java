package org.newsletter.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.newsletter.job.DigestRuns;
import org.newsletter.job.RunHeartbeat;
import org.newsletter.job.RunRestart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * At the start of {@code serve}: finishes each run that a stop of the process (SIGTERM: the
 * run ended STOPPED) or a killed process (left STARTED, its process gone) left unfinished, for
 * whoever has not had its issue; a FAILED run is reported and left for {@code restart}, since
 * what failed may need the operator first.
 */
final class UnfinishedRuns {

	private static final Logger log = LoggerFactory.getLogger(UnfinishedRuns.class);

	private final RunRestart restart;

	private final DigestRuns runs;

	private final RunHeartbeat heartbeat;

	UnfinishedRuns(RunRestart restart, DigestRuns runs, RunHeartbeat heartbeat) {
		this.restart = restart;
		this.runs = runs;
		this.heartbeat = heartbeat;
	}

	void finish() {
		// oldest first; dry runs send nothing, so none is finished for its own sake
		List<JobExecution> unfinished = new ArrayList<>(runs.unfinished());
		Collections.reverse(unfinished);
		for (JobExecution execution : unfinished.stream().filter(e -> !DigestRuns.dryRun(e)).toList()) {
			String cutoff = execution.getJobParameters().getString("cutoff");
			if (execution.getStatus() == BatchStatus.FAILED) {
				log.warn("the run for cutoff {} (execution {}) FAILED; fix the cause and finish it with ./newsletter restart {}",
						cutoff, execution.getId(), execution.getId());
				continue;
			}
			if (execution.isRunning() && heartbeat.liveOwner(execution.getId()).isPresent()) {
				continue; // another process is running it (PostgreSQL, another host)
			}
			try {
				log.info("finishing the run for cutoff {} (execution {}, left {})", cutoff, execution.getId(),
						execution.getStatus());
				JobExecution finished = restart.resume(execution);
				log.info("the run for cutoff {} ended {} (execution {})", cutoff, finished.getStatus(), finished.getId());
			}
			catch (Exception ex) {
				log.error("could not finish the run for cutoff {} (execution {}): {}; finish it with ./newsletter restart",
						cutoff, execution.getId(), ex.getMessage(), ex);
			}
		}
	}
}
