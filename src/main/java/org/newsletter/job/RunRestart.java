package org.newsletter.job;

import java.time.LocalDateTime;
import java.util.Optional;

import org.newsletter.config.BadInputException;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * What {@code restart} does, for the command and the operator page alike: finds the run to
 * finish (the execution asked for, or the latest unfinished one), refuses one that completed,
 * was abandoned or is running now in a live process, recovers one left STARTED by a process that
 * ended, and restarts it: the same job instance, cutoff and issue, sending only to whoever has
 * not had it yet.
 */
@Component
public class RunRestart {

	private final JobRepository jobRepository;

	private final JobOperator jobOperator;

	private final DigestRuns runs;

	private final RunHeartbeat heartbeat;

	RunRestart(JobRepository jobRepository, JobOperator jobOperator, DigestRuns runs, RunHeartbeat heartbeat) {
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
		this.runs = runs;
		this.heartbeat = heartbeat;
	}

	/** What a restart would do now: refuse, with the reason, or restart an execution. */
	public sealed interface Plan permits Refused, Ready {
	}

	/**
	 * No restart.
	 *
	 * @param running true when the run is going on now in a live process (wait for it), false
	 *     when there is nothing to restart
	 * @param reason why, in one line, for the operator
	 */
	public record Refused(boolean running, String reason) implements Plan {
	}

	/**
	 * A run to finish.
	 *
	 * @param execution the latest execution of the run; still marked running when its process
	 *     ended without finishing it ({@link #abandoned()}), which {@link #restart} recovers first
	 */
	public record Ready(JobExecution execution) implements Plan {

		/** Left STARTED (or STOPPING) by a process that ended without finishing it. */
		public boolean abandoned() {
			return execution.getStatus().isRunning();
		}

		public String cutoff() {
			return RunRestart.cutoff(execution);
		}
	}

	/**
	 * The plan for execution {@code executionId}, or for the latest unfinished run when it is null.
	 *
	 * @throws BadInputException when there is no such execution
	 */
	public Plan plan(Long executionId) {
		Optional<JobExecution> found = executionId != null ? runs.execution(executionId) : runs.unfinished().stream().findFirst();
		if (found.isEmpty()) {
			if (executionId != null) {
				throw new BadInputException("there is no execution " + executionId + " (see ./newsletter status)");
			}
			return new Refused(false, "nothing to restart: no failed or stopped run");
		}
		JobExecution execution = latestOfInstance(found.get());
		if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
			return new Refused(false, "execution " + execution.getId() + " (cutoff " + cutoff(execution) + ") is "
					+ execution.getStatus() + "; there is nothing to restart");
		}
		if (execution.getStatus().isRunning()) {
			Optional<RunHeartbeat.Owner> owner = heartbeat.liveOwner(execution.getId());
			if (owner.isPresent()) {
				return new Refused(true, "execution " + execution.getId() + " (cutoff " + cutoff(execution)
						+ ") is running now in " + owner.get() + "; wait for it to finish");
			}
		}
		return new Ready(execution);
	}

	/**
	 * Restarts the run of {@code ready}, recovering it first when it was abandoned; returns the
	 * new execution as it ended.
	 */
	public JobExecution restart(Ready ready) throws Exception {
		return resume(ready.execution());
	}

	/**
	 * Restarts {@code execution} (its process is known to be gone): one left running is recovered
	 * first, and one that ended UNKNOWN is recorded FAILED first. Spring Batch refuses to restart
	 * UNKNOWN ("a failure that could not be rolled back": its own metadata update failed, e.g. an
	 * optimistic-lock clash of a stop with a partition's last update, seen under heavy load after
	 * SIGTERM). For this job that is safe to go on from: the send step reads only who has no
	 * delivery of the issue yet, and a delivery is recorded with each message, so the restart
	 * neither misses anyone nor sends more than the message in flight again.
	 */
	public JobExecution resume(JobExecution execution) throws Exception {
		JobExecution resumable = execution;
		if (resumable.getStatus().isRunning()) {
			resumable = jobOperator.recover(resumable);
		}
		else if (resumable.getStatus() == BatchStatus.UNKNOWN) {
			for (StepExecution step : resumable.getStepExecutions()) {
				if (step.getStatus() == BatchStatus.UNKNOWN || step.getStatus().isRunning()) {
					step.setStatus(BatchStatus.FAILED);
					step.setEndTime(step.getEndTime() != null ? step.getEndTime() : LocalDateTime.now());
					jobRepository.update(step);
				}
			}
			resumable.setStatus(BatchStatus.FAILED);
			resumable.setEndTime(resumable.getEndTime() != null ? resumable.getEndTime() : LocalDateTime.now());
			jobRepository.update(resumable);
		}
		return jobOperator.restart(resumable);
	}

	/** The newest execution of the same instance: restarting an old failed one means restarting the issue. */
	private JobExecution latestOfInstance(JobExecution execution) {
		JobExecution last = jobRepository.getLastJobExecution(execution.getJobInstance());
		return last != null ? last : execution;
	}

	private static String cutoff(JobExecution execution) {
		return execution.getJobParameters().getString("cutoff");
	}
}
