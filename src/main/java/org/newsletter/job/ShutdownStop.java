package org.newsletter.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import org.newsletter.delivery.SendStop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops this process's runs cleanly when it is asked to end (SIGTERM, Ctrl-C: Spring closes
 * the context from its shutdown hook). Every send connection finishes and records its message
 * in flight ({@link SendStop}); the other steps stop at their next chunk; the run ends STOPPED
 * and {@code restart} (or the next start of {@code serve}) finishes it for whoever has not had
 * the issue. Stopped first, before the database closes under the run; it waits at most
 * {@link #WAIT}, so the process still ends within 30 seconds.
 */
@Component
class ShutdownStop implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ShutdownStop.class);

	static final Duration WAIT = Duration.ofSeconds(25);

	private final RunHeartbeat heartbeat;

	private final SendStop sendStop;

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private volatile boolean running;

	ShutdownStop(RunHeartbeat heartbeat, SendStop sendStop, JobOperator jobOperator, JobRepository jobRepository) {
		this.heartbeat = heartbeat;
		this.sendStop = sendStop;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
	}

	@Override
	public void start() {
		running = true;
	}

	@Override
	public void stop() {
		running = false;
		Set<Long> ids = heartbeat.runningHere();
		if (ids.isEmpty()) {
			return;
		}
		sendStop.request();
		for (long id : ids) {
			JobExecution execution = jobRepository.getJobExecution(id);
			if (execution != null && execution.isRunning()) {
				log.info("stopping execution {}: the process is shutting down", id);
				try {
					jobOperator.stop(execution);
				}
				catch (Exception ex) {
					log.warn("could not mark execution {} as stopping: {}", id, ex.getMessage());
				}
			}
		}
		awaitEnd(ids);
	}

	/** Until the job repository has recorded each run's end: the database must not close before. */
	private void awaitEnd(Set<Long> ids) {
		Instant deadline = Instant.now().plus(WAIT);
		Set<Long> left = ids;
		while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			left = left.stream().filter(this::stillRunning).collect(Collectors.toSet());
		}
		if (!left.isEmpty()) {
			log.warn("executions {} did not stop within {} s; restart finishes them", left, WAIT.toSeconds());
		}
	}

	private boolean stillRunning(long id) {
		if (heartbeat.runningHere().contains(id)) {
			return true;
		}
		JobExecution execution = jobRepository.getJobExecution(id);
		return execution != null && execution.getEndTime() == null;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Stopped just after the schedule (no new run starts), before the web pages and the database. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1;
	}
}
