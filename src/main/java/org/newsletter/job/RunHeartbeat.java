package org.newsletter.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Says, while a weekly-digest execution runs, which process runs it: a row in
 * {@code run_heartbeat} with the host and process id, its time renewed every
 * {@value #BEAT_SECONDS} seconds and deleted when the run ends. An execution the job repository
 * shows as running is only left alone while its process is alive: on this host, a process id
 * that has ended is dead at once; elsewhere (one PostgreSQL database, several hosts), a beat
 * older than {@value #STALE_SECONDS} seconds is. Without it, a command beside the service
 * could not tell a run going on in another process from one a killed process left STARTED.
 */
@Component
public class RunHeartbeat implements JobExecutionListener, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RunHeartbeat.class);

	static final int BEAT_SECONDS = 10;

	static final int STALE_SECONDS = 60;

	private final JdbcClient jdbc;

	private final Clock clock;

	private final Map<Long, ScheduledFuture<?>> beating = new ConcurrentHashMap<>();

	private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(task -> {
		var thread = new Thread(task, "run-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	/** Who runs an execution. */
	public record Owner(String host, long pid) {

		@Override
		public String toString() {
			return "process " + pid + (Host.NAME.equals(host) ? "" : " on " + host);
		}
	}

	private final JobRepository jobRepository;

	RunHeartbeat(JdbcClient jdbc, Clock clock, JobRepository jobRepository) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.jobRepository = jobRepository;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		long id = execution.getId();
		jdbc.sql("DELETE FROM run_heartbeat WHERE job_execution_id = ?").param(id).update();
		jdbc.sql("INSERT INTO run_heartbeat (job_execution_id, host, pid, beat_at) VALUES (?, ?, ?, ?)")
			.params(id, Host.NAME, ProcessHandle.current().pid(), clock.millis())
			.update();
		beating.put(id, beats.scheduleWithFixedDelay(() -> beat(id), BEAT_SECONDS, BEAT_SECONDS, TimeUnit.SECONDS));
	}

	@Override
	public void afterJob(JobExecution execution) {
		ScheduledFuture<?> beat = beating.remove(execution.getId());
		if (beat != null) {
			beat.cancel(false);
		}
		jdbc.sql("DELETE FROM run_heartbeat WHERE job_execution_id = ?").param(execution.getId()).update();
	}

	private void beat(long id) {
		try {
			jdbc.sql("UPDATE run_heartbeat SET beat_at = ? WHERE job_execution_id = ?").params(clock.millis(), id).update();
		}
		catch (RuntimeException ex) {
			// the run itself reports a database that went away; a missed beat only ages the row
			log.warn("could not renew the heartbeat of execution {}: {}", id, ex.getMessage());
		}
	}

	/** The live process running {@code executionId}, if one is. */
	public Optional<Owner> liveOwner(long executionId) {
		return jdbc.sql("SELECT host, pid, beat_at FROM run_heartbeat WHERE job_execution_id = ?")
			.param(executionId)
			.query((rs, row) -> new Beat(new Owner(rs.getString("host"), rs.getLong("pid")), rs.getLong("beat_at")))
			.optional()
			.filter(this::alive)
			.map(Beat::owner);
	}

	/** A weekly-digest execution that a live process is running now, if there is one. */
	public Optional<JobExecution> liveRun() {
		return jobRepository.findRunningJobExecutions(WeeklyDigestJobConfig.JOB_NAME)
			.stream()
			.filter(execution -> liveOwner(execution.getId()).isPresent())
			.findFirst();
	}

	/** The executions this very process is running. */
	public java.util.Set<Long> runningHere() {
		return java.util.Set.copyOf(beating.keySet());
	}

	private boolean alive(Beat beat) {
		boolean fresh = Duration.ofMillis(clock.millis() - beat.at()).toSeconds() < STALE_SECONDS;
		if (!Host.NAME.equals(beat.owner().host())) {
			return fresh;
		}
		return fresh && ProcessHandle.of(beat.owner().pid()).map(ProcessHandle::isAlive).orElse(false);
	}

	private record Beat(Owner owner, long at) {
	}

	@Override
	public void destroy() {
		beats.shutdownNow();
	}

	/** This host's name, as the heartbeats record it. */
	static String thisHost() {
		return Host.NAME;
	}

	/** Looked up when first needed: a slow resolver must not slow every command's start. */
	private static final class Host {

		static final String NAME = hostName();
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}
}
