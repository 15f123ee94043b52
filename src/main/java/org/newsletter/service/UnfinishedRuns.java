package org.newsletter.service;

import java.util.Comparator;
import java.util.List;

import org.newsletter.job.RunHeartbeat;
import org.newsletter.job.WeeklyDigestJobConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * At the start of {@code serve}: finishes each run that a stop of the process (SIGTERM: the
 * run ended STOPPED) or a killed process (left STARTED, its process gone) left unfinished, for
 * whoever has not had its issue; a FAILED run is reported and left for {@code restart}, since
 * what failed may need the operator first.
 */
final class UnfinishedRuns {

	private static final Logger log = LoggerFactory.getLogger(UnfinishedRuns.class);

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final RunHeartbeat heartbeat;

	UnfinishedRuns(JobOperator jobOperator, JobRepository jobRepository, RunHeartbeat heartbeat) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.heartbeat = heartbeat;
	}

	void finish() {
		for (JobExecution execution : latestUnfinished()) {
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
				if (execution.isRunning()) {
					log.info("execution {} (cutoff {}) was left {} by a process that ended without finishing: recovering it",
							execution.getId(), cutoff, execution.getStatus());
					execution = jobOperator.recover(execution);
				}
				log.info("finishing the run for cutoff {} (execution {}, {})", cutoff, execution.getId(), execution.getStatus());
				JobExecution finished = jobOperator.restart(execution);
				log.info("the run for cutoff {} ended {} (execution {})", cutoff, finished.getStatus(), finished.getId());
			}
			catch (Exception ex) {
				log.error("could not finish the run for cutoff {} (execution {}): {}; finish it with ./newsletter restart",
						cutoff, execution.getId(), ex.getMessage(), ex);
			}
		}
	}

	/** The latest execution of each recent instance that neither completed nor was abandoned, oldest first. */
	private List<JobExecution> latestUnfinished() {
		return jobRepository.getJobInstances(WeeklyDigestJobConfig.JOB_NAME, 0, 100)
			.stream()
			.map(jobRepository::getLastJobExecution)
			.filter(e -> e != null && e.getJobParameters().getString("dryRun") == null
					&& e.getStatus() != BatchStatus.COMPLETED && e.getStatus() != BatchStatus.ABANDONED)
			.sorted(Comparator.comparing(JobExecution::getId))
			.toList();
	}
}
