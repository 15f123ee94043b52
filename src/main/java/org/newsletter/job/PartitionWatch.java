package org.newsletter.job;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.JobSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;

/**
 * The manager's side of the remote send, beside Spring Batch's own waiting for the partitions
 * (the partition handler polls the job repository until every partition has ended): it makes
 * sure that wait ends.
 * <ul>
 * <li>Before the partitions are planned, a restart waits while live workers still send
 * partitions of an earlier execution of the same run (two workers never send one partition at
 * once), and the send waits up to {@code newsletter.send.remote-timeout} for a worker to be
 * alive, failing with that message otherwise.</li>
 * <li>While they are sent, every second: a partition whose worker died is marked FAILED; a
 * partition no worker took, while none has been alive (or its request was lost) for the
 * timeout, is claimed by the manager and marked FAILED. Either way {@code restart} sends it
 * later, to whoever has not had the issue.</li>
 * <li>At the end, a failed partition's cause becomes the step's, in one line.</li>
 * </ul>
 */
class PartitionWatch implements StepExecutionListener, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(PartitionWatch.class);

	private final SendWorkers workers;

	private final JobRepository jobRepository;

	private final RemoteSend settings;

	private final RunReport report;

	private final JdbcChannelMessageStore requests;

	private final Clock clock;

	private final long pollMillis;

	private final Map<Long, ScheduledFuture<?>> watching = new ConcurrentHashMap<>();

	private final ScheduledExecutorService watches = Executors.newSingleThreadScheduledExecutor(task -> {
		var thread = new Thread(task, "send-watch");
		thread.setDaemon(true);
		return thread;
	});

	PartitionWatch(SendWorkers workers, JobRepository jobRepository, RemoteSend settings, RunReport report,
			JdbcChannelMessageStore requests, Clock clock, long pollMillis) {
		this.workers = workers;
		this.jobRepository = jobRepository;
		this.settings = settings;
		this.report = report;
		this.requests = requests;
		this.clock = clock;
		this.pollMillis = pollMillis;
	}

	@Override
	public void beforeStep(StepExecution manager) {
		awaitEarlierPartitions(manager.getJobExecution().getJobInstance().getInstanceId());
		awaitWorker();
		var watch = new Watch(manager);
		watching.put(manager.getId(), watches.scheduleWithFixedDelay(watch::check, pollMillis, pollMillis,
				TimeUnit.MILLISECONDS));
	}

	@Override
	public ExitStatus afterStep(StepExecution manager) {
		ScheduledFuture<?> watch = watching.remove(manager.getId());
		if (watch != null) {
			watch.cancel(false);
		}
		if (manager.getStatus() == BatchStatus.COMPLETED) {
			return null;
		}
		List<StepExecution> failed = partitions(manager).stream()
			.filter(p -> p.getStatus() == BatchStatus.FAILED || p.getStatus() == BatchStatus.STOPPED)
			.toList();
		if (!failed.isEmpty()) {
			StepExecution first = failed.get(0);
			manager.addFailureException(new RemoteSendException(first.getStepName() + " " + first.getStatus()
					+ workerOf(first) + ": " + cause(first)
					+ (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more partitions)" : "")));
		}
		return null;
	}

	/** A restart: partitions of an earlier execution still in the hands of live workers are waited for. */
	private void awaitEarlierPartitions(long jobInstanceId) {
		boolean said = false;
		for (var held = workers.heldByLiveWorkers(jobInstanceId); !held.isEmpty(); held = workers.heldByLiveWorkers(jobInstanceId)) {
			if (!said) {
				report.say("send: waiting for worker " + held.get(0).workerId() + " to finish " + held.get(0).stepName()
						+ " of an earlier execution" + (held.size() > 1 ? " (and " + (held.size() - 1) + " more)" : ""));
				said = true;
			}
			sleep();
		}
	}

	private void awaitWorker() {
		long deadline = clock.millis() + settings.remoteTimeout().toMillis();
		boolean said = false;
		while (workers.live().isEmpty()) {
			if (clock.millis() >= deadline) {
				throw new RemoteSendException("no send worker is alive (none has beaten in the last "
						+ SendWorkers.STALE_SECONDS + " s; waited newsletter.send.remote-timeout, "
						+ settings.remoteTimeout().toSeconds() + " s): start ./newsletter worker on a host that reaches "
						+ "this database");
			}
			if (!said) {
				report.say("send: no send worker is alive; waiting up to " + settings.remoteTimeout().toSeconds()
						+ " s for one (./newsletter worker)");
				log.info("no send worker is alive; waiting up to {} for one", settings.remoteTimeout());
				said = true;
			}
			sleep();
		}
	}

	private void sleep() {
		try {
			Thread.sleep(pollMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RemoteSendException("interrupted while waiting for the send workers");
		}
	}

	private List<StepExecution> partitions(StepExecution manager) {
		JobExecution job = jobRepository.getJobExecution(manager.getJobExecutionId());
		return job == null ? List.of() : job.getStepExecutions().stream()
			.filter(step -> step.getStepName().startsWith(WeeklyDigestJobConfig.SEND_WORKER_STEP + ":"))
			.toList();
	}

	private static String workerOf(StepExecution partition) {
		String worker = partition.getExecutionContext().getString(RemoteSendConfig.WORKER, "");
		return worker.isEmpty() ? "" : " on worker " + worker;
	}

	private static String cause(StepExecution partition) {
		String failure = partition.getExecutionContext().getString(RunReport.FAILURE, "");
		if (!failure.isEmpty()) {
			return failure;
		}
		String description = partition.getExitStatus().getExitDescription();
		return description.isBlank() ? partition.getExitStatus().getExitCode()
				: description.strip().lines().findFirst().orElse("").replaceFirst("^[\\w.$]+(Exception|Error): ", "");
	}

	/** The checks of one manager step execution while its partitions are sent. */
	private final class Watch {

		private final StepExecution manager;

		private final Map<Long, Long> unclaimedSince = new ConcurrentHashMap<>();

		private long noWorkerSince = -1;

		Watch(StepExecution manager) {
			this.manager = manager;
		}

		void check() {
			try {
				progress();
				long now = clock.millis();
				boolean anyAlive = !workers.live().isEmpty();
				noWorkerSince = anyAlive ? -1 : noWorkerSince < 0 ? now : noWorkerSince;
				long timeout = settings.remoteTimeout().toMillis();
				boolean noRequestLeft = requests.messageGroupSize(RemoteSendConfig.REQUESTS) == 0;
				for (StepExecution partition : partitions(manager)) {
					if (partition.getStatus().isRunning()) {
						check(partition, now, timeout, noRequestLeft);
					}
				}
			}
			catch (RuntimeException ex) {
				// the database may be gone for a moment; the next check tries again
				log.warn("could not check the send partitions of execution {}: {}", manager.getJobExecutionId(), ex.getMessage());
			}
		}

		/** The report's progress line reads the run's issue, a job-scoped bean: this thread joins the run's scope. */
		private void progress() {
			JobSynchronizationManager.register(manager.getJobExecution());
			try {
				report.progress();
			}
			finally {
				JobSynchronizationManager.close();
			}
		}

		private void check(StepExecution partition, long now, long timeout, boolean noRequestLeft) {
			var claim = workers.claim(partition.getId());
			if (claim.isPresent()) {
				if (claim.get().ended()) {
					fail(partition, "its worker " + claim.get().workerId() + " let go of it without recording its end");
				}
				else if (!workers.alive(claim.get().workerId())) {
					fail(partition, "its worker " + claim.get().workerId() + " stopped while sending it (no heartbeat for "
							+ SendWorkers.STALE_SECONDS + " s, or its process ended)");
				}
				return;
			}
			long since = unclaimedSince.computeIfAbsent(partition.getId(), id -> now);
			String reason = noWorkerSince >= 0 && now - noWorkerSince >= timeout
					? "no send worker has been alive for newsletter.send.remote-timeout (" + timeout / 1000 + " s) to take it"
					: noRequestLeft && now - since >= timeout ? "no worker took it within newsletter.send.remote-timeout ("
							+ timeout / 1000 + " s) and its request is no longer waiting" : null;
			long jobInstanceId = manager.getJobExecution().getJobInstance().getInstanceId();
			if (reason != null && workers.claim(partition.getId(), jobInstanceId, partition.getStepName(), SendWorkers.MANAGER)) {
				workers.release(partition.getId());
				fail(partition, reason);
			}
		}

		private void fail(StepExecution partition, String reason) {
			log.info("{} of execution {} failed: {}", partition.getStepName(), partition.getJobExecutionId(), reason);
			report.say("send: " + partition.getStepName() + " failed: " + reason + "; restart sends it");
			partition.setStatus(BatchStatus.FAILED);
			partition.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
			partition.setEndTime(LocalDateTime.now());
			partition.getExecutionContext().putString(RunReport.FAILURE, reason);
			try {
				jobRepository.update(partition);
				jobRepository.updateExecutionContext(partition);
			}
			catch (OptimisticLockingFailureException ex) {
				// its worker recorded something meanwhile: looked at again at the next check
			}
		}
	}

	@Override
	public void destroy() {
		watches.shutdownNow();
	}
}
