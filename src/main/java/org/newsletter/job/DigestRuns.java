package org.newsletter.job;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Component;

/**
 * The recent runs of the weekly digest as the commands, the service and its health check read
 * them: the latest execution of each recent job instance.
 */
@Component
public class DigestRuns {

	private final JobRepository jobRepository;

	DigestRuns(JobRepository jobRepository) {
		this.jobRepository = jobRepository;
	}

	/**
	 * Execution {@code id}, if there is one (Spring Batch 6's repository throws for an unknown id
	 * where it used to answer null).
	 */
	public Optional<JobExecution> execution(long id) {
		try {
			return Optional.ofNullable(jobRepository.getJobExecution(id));
		}
		catch (EmptyResultDataAccessException ex) {
			return Optional.empty();
		}
	}

	/** The latest execution of each of the {@code count} newest runs, newest first. */
	public Stream<JobExecution> recent(int count) {
		return jobRepository.getJobInstances(WeeklyDigestJobConfig.JOB_NAME, 0, count)
			.stream()
			.map(jobRepository::getLastJobExecution)
			.filter(execution -> execution != null)
			.sorted(Comparator.comparing(JobExecution::getId).reversed());
	}

	/**
	 * The latest execution of each recent run that neither completed nor was abandoned (failed,
	 * stopped, or left started by a process that ended), newest first.
	 */
	public List<JobExecution> unfinished() {
		return recent(100).filter(e -> e.getStatus() != BatchStatus.COMPLETED && e.getStatus() != BatchStatus.ABANDONED)
			.toList();
	}

	/** Whether {@code execution} is a dry run (it sends nothing and never blocks the real run). */
	public static boolean dryRun(JobExecution execution) {
		return execution.getJobParameters().getString(DigestParameters.DRY_RUN) != null;
	}

	/** Whether {@code execution} completed with too few entries to send an issue. */
	public static boolean nothingToSend(JobExecution execution) {
		return execution.getStepExecutions().stream().anyMatch(step -> step.getStepName().equals(WeeklyDigestJobConfig.COMPOSE_STEP)
				&& WeeklyDigestJobConfig.NOTHING_TO_SEND.equals(step.getExitStatus().getExitCode()));
	}
}
