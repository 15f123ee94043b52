package org.newsletter.job;

import java.time.LocalDateTime;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.JobSynchronizationManager;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;

/**
 * The send partition step as a worker runs it for a request of the manager (Spring Batch
 * Integration's {@code StepExecutionRequestHandler} finds it by name): the same step as a local
 * partition's, with what running it in another process needs around it.
 * <ul>
 * <li>Only a partition still waiting for a worker, of a run still going on, is taken: a request
 * left in the channel by a run that failed or was restarted since is dropped.</li>
 * <li>The partition is claimed in {@code send_partition} first: one process has it, so two
 * workers never send it at once, and the manager knows whose heartbeat to watch.</li>
 * <li>The worker's id ({@code host:pid}) goes into the partition's execution context, the record
 * of who sent which subscribers.</li>
 * <li>A worker whose message settings (sender, links, unsubscribe secret, DKIM) differ from the
 * run's fails the partition unsent: its unsubscribe links would not work.</li>
 * <li>The run's job scope is set up on this thread, as {@link JobScopeCarrier} does for local
 * partitions: the step reads the job-scoped {@link RunIssue}.</li>
 * </ul>
 */
final class WorkerPartition implements Step {

	/** What the worker is told about the partitions it takes. */
	interface Events {

		void taken(StepExecution partition);

		void ended(StepExecution partition);

		void dropped(StepExecution partition, String why);
	}

	private final Step step;

	private final SendWorkers workers;

	private final JobRepository jobRepository;

	private final String workerId;

	private final String messageSettings;

	private final Events events;

	WorkerPartition(Step step, SendWorkers workers, JobRepository jobRepository, String workerId, String messageSettings,
			Events events) {
		this.step = step;
		this.workers = workers;
		this.jobRepository = jobRepository;
		this.workerId = workerId;
		this.messageSettings = messageSettings;
		this.events = events;
	}

	@Override
	public String getName() {
		return step.getName();
	}

	@Override
	public void execute(StepExecution partition) throws JobInterruptedException {
		String stale = stale(partition);
		long jobInstanceId = partition.getJobExecution().getJobInstance().getInstanceId();
		if (stale == null && !workers.claim(partition.getId(), jobInstanceId, partition.getStepName(), workerId)) {
			stale = "another process has it";
		}
		if (stale != null) {
			events.dropped(partition, stale);
			return;
		}
		try {
			partition.getExecutionContext().putString(RemoteSendConfig.WORKER, workerId);
			String expected = partition.getExecutionContext().getString(RemoteSendConfig.MESSAGE_SETTINGS, messageSettings);
			if (!expected.equals(messageSettings)) {
				refuse(partition, "worker " + workerId + " has other message settings than the run (newsletter.from, "
						+ "reply-to, title, base-url, unsubscribe-mailto, unsubscribe-secret, dkim): its messages would "
						+ "differ and its unsubscribe links would not work; give every host the same settings");
				return;
			}
			jobRepository.updateExecutionContext(partition);
			events.taken(partition);
			JobSynchronizationManager.register(partition.getJobExecution());
			try {
				step.execute(partition);
			}
			finally {
				JobSynchronizationManager.close();
			}
		}
		finally {
			workers.release(partition.getId());
			events.ended(partition);
		}
	}

	/** Why the request is no longer to be sent; null when it is. */
	private String stale(StepExecution partition) {
		if (partition.getStatus() != BatchStatus.STARTING) {
			return "it is " + partition.getStatus() + " already";
		}
		JobExecution run = jobRepository.getJobExecution(partition.getJobExecutionId());
		if (run == null || (run.getStatus() != BatchStatus.STARTED && run.getStatus() != BatchStatus.STARTING)) {
			return "its run is " + (run == null ? "gone" : run.getStatus());
		}
		return null;
	}

	private void refuse(StepExecution partition, String reason) {
		partition.setStartTime(LocalDateTime.now());
		partition.setEndTime(LocalDateTime.now());
		partition.setStatus(BatchStatus.FAILED);
		partition.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
		partition.getExecutionContext().putString(RunReport.FAILURE, reason);
		jobRepository.update(partition);
		jobRepository.updateExecutionContext(partition);
	}
}
