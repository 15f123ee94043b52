package org.newsletter.job;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.newsletter.delivery.SendStop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * This process as a send worker ({@code ./newsletter worker}, README, Several hosts): says it is
 * alive in {@code send_worker} every {@value SendWorkers#BEAT_SECONDS} seconds while it runs,
 * hands Spring Batch Integration the send partition step wrapped for a worker
 * ({@link WorkerPartition}), and tells the operator which partitions it takes.
 * <p>
 * Stopping (SIGTERM, Ctrl-C) takes no new partition, then each partition it sends stops after
 * the message in flight, recorded, and ends STOPPED ({@link SendStop}); the run's {@code restart}
 * sends the rest. It waits for them at most {@link ShutdownStop#WAIT}.
 */
public class SendWorker implements SmartLifecycle, StepLocator, WorkerPartition.Events {

	private static final Logger log = LoggerFactory.getLogger(SendWorker.class);

	private final SendWorkers workers;

	private final SendStop sendStop;

	private final Lifecycle requests;

	private final WorkerPartition partitionStep;

	private final int connections;

	private final String id = SendWorkers.thisWorker();

	private final Set<Long> sending = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(task -> {
		var thread = new Thread(task, "worker-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	private volatile PrintWriter out = new PrintWriter(Writer.nullWriter());

	private volatile boolean running;

	SendWorker(SendWorkers workers, SendStop sendStop, Lifecycle requests, Step sendWorkerStep,
			org.springframework.batch.core.repository.JobRepository jobRepository, String messageSettings, int connections) {
		this.workers = workers;
		this.sendStop = sendStop;
		this.requests = requests;
		this.connections = connections;
		this.partitionStep = new WorkerPartition(sendWorkerStep, workers, jobRepository, id, messageSettings, this);
	}

	/** {@code host:pid}, as the database and the partitions record this worker. */
	public String id() {
		return id;
	}

	/** Partitions sent at once, each over its own SMTP connection ({@code newsletter.send.connections}). */
	public int connections() {
		return connections;
	}

	/** Sends the lines about partitions to {@code writer} (the command's standard output). */
	public void printTo(PrintWriter writer) {
		this.out = writer;
	}

	@Override
	public Step getStep(String stepName) {
		if (!stepName.equals(partitionStep.getName())) {
			throw new IllegalArgumentException("this worker sends only " + partitionStep.getName() + ", not " + stepName);
		}
		return partitionStep;
	}

	@Override
	public void start() {
		workers.register(id, connections);
		beats.scheduleWithFixedDelay(this::beat, SendWorkers.BEAT_SECONDS, SendWorkers.BEAT_SECONDS, TimeUnit.SECONDS);
		running = true;
	}

	private void beat() {
		try {
			if (!workers.beat(id)) {
				workers.register(id, connections);
			}
		}
		catch (RuntimeException ex) {
			log.warn("could not renew the heartbeat of worker {}: {}", id, ex.getMessage());
		}
	}

	@Override
	public void stop() {
		running = false;
		requests.stop();
		if (!sending.isEmpty()) {
			log.info("stopping the {} partitions being sent: the worker is shutting down", sending.size());
			sendStop.request();
			Instant deadline = Instant.now().plus(ShutdownStop.WAIT);
			while (!sending.isEmpty() && Instant.now().isBefore(deadline)) {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		beats.shutdownNow();
		try {
			workers.unregister(id);
		}
		catch (RuntimeException ex) {
			log.warn("could not remove worker {} from send_worker: {}", id, ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Stopped before the channel's poller and the database. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1;
	}

	@Override
	public void taken(StepExecution partition) {
		sending.add(partition.getId());
		say(partition.getStepName() + " of execution " + partition.getJobExecutionId() + " (cutoff "
				+ partition.getJobParameters().getString("cutoff") + "): sending");
	}

	@Override
	public void ended(StepExecution partition) {
		sending.remove(partition.getId());
		Duration took = partition.getStartTime() == null || partition.getEndTime() == null ? Duration.ZERO
				: Duration.between(partition.getStartTime(), partition.getEndTime());
		say(partition.getStepName() + " of execution " + partition.getJobExecutionId() + ": " + partition.getStatus() + ", "
				+ partition.getWriteCount() + " messages in " + String.format("%.1f", took.toMillis() / 1000.0) + " s");
	}

	@Override
	public void dropped(StepExecution partition, String why) {
		log.info("dropped the request for {} of execution {}: {}", partition.getStepName(), partition.getJobExecutionId(), why);
	}

	private void say(String line) {
		log.info(line);
		out.println(line);
		out.flush();
	}
}
