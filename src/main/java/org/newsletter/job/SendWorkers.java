package org.newsletter.job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The send workers (README, Several hosts) as the database knows them: who is alive, and who
 * sends which partition. A worker renews its row every {@value #BEAT_SECONDS} seconds; it is
 * dead once its beat is older than {@value #STALE_SECONDS} seconds or, on this host, once its
 * process has ended (as {@link RunHeartbeat} judges a run's process). A partition is claimed by
 * inserting its step execution's id, the primary key, so exactly one process has it: a worker
 * that sends it, or the manager that gives it up as failed.
 */
class SendWorkers {

	static final int BEAT_SECONDS = 10;

	static final int STALE_SECONDS = 60;

	/** Who claims a partition it gives up as failed: the run's own process, not a worker. */
	static final String MANAGER = "manager";

	private final JdbcClient jdbc;

	private final Clock clock;

	/** A worker as its row says: {@code host:pid}, its SMTP connections, its last beat. */
	record Worker(String id, String host, long pid, int connections, long beatAt) {
	}

	/** Which process has a partition; {@code ended} once it let go of it. */
	record Claim(long stepExecutionId, String stepName, String workerId, boolean ended) {
	}

	SendWorkers(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** This process's worker id, {@code host:pid}. */
	static String thisWorker() {
		return RunHeartbeat.thisHost() + ":" + ProcessHandle.current().pid();
	}

	void register(String id, int connections) {
		long now = clock.millis();
		jdbc.sql("DELETE FROM send_worker WHERE worker_id = ?").param(id).update();
		jdbc.sql("INSERT INTO send_worker (worker_id, host, pid, connections, started_at, beat_at) VALUES (?, ?, ?, ?, ?, ?)")
			.params(id, RunHeartbeat.thisHost(), ProcessHandle.current().pid(), connections, now, now)
			.update();
	}

	/** Renews the beat; false when the row is gone (a manager judged the worker dead and cleared it). */
	boolean beat(String id) {
		return jdbc.sql("UPDATE send_worker SET beat_at = ? WHERE worker_id = ?").params(clock.millis(), id).update() == 1;
	}

	void unregister(String id) {
		jdbc.sql("DELETE FROM send_worker WHERE worker_id = ?").param(id).update();
	}

	/** The workers alive now. */
	List<Worker> live() {
		return jdbc.sql("SELECT worker_id, host, pid, connections, beat_at FROM send_worker ORDER BY worker_id")
			.query((rs, row) -> new Worker(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)))
			.list()
			.stream()
			.filter(this::alive)
			.toList();
	}

	/** Whether the worker {@code id} is alive; the manager's own claims count as alive. */
	boolean alive(String id) {
		return MANAGER.equals(id) || jdbc.sql("SELECT worker_id, host, pid, connections, beat_at FROM send_worker WHERE worker_id = ?")
			.param(id)
			.query((rs, row) -> new Worker(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)))
			.optional()
			.filter(this::alive)
			.isPresent();
	}

	private boolean alive(Worker worker) {
		boolean fresh = Duration.ofMillis(clock.millis() - worker.beatAt()).toSeconds() < STALE_SECONDS;
		if (!RunHeartbeat.thisHost().equals(worker.host())) {
			return fresh;
		}
		return fresh && ProcessHandle.of(worker.pid()).map(ProcessHandle::isAlive).orElse(false);
	}

	/** Claims the partition for {@code workerId}; false when another process has claimed it already. */
	boolean claim(long stepExecutionId, long jobInstanceId, String stepName, String workerId) {
		return jdbc.sql("""
				INSERT INTO send_partition (step_execution_id, job_instance_id, step_name, worker_id, claimed_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (step_execution_id) DO NOTHING""")
			.params(stepExecutionId, jobInstanceId, stepName, workerId, clock.millis())
			.update() == 1;
	}

	/** The worker lets go of the partition, whatever its outcome. */
	void release(long stepExecutionId) {
		jdbc.sql("UPDATE send_partition SET ended_at = ? WHERE step_execution_id = ?").params(clock.millis(), stepExecutionId)
			.update();
	}

	Optional<Claim> claim(long stepExecutionId) {
		return jdbc.sql("SELECT step_execution_id, step_name, worker_id, ended_at FROM send_partition WHERE step_execution_id = ?")
			.param(stepExecutionId)
			.query((rs, row) -> new Claim(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4) != null))
			.optional();
	}

	/**
	 * The partitions of the job instance that live workers are still sending, from any of its
	 * executions; the claims of dead workers are closed on the way.
	 */
	List<Claim> heldByLiveWorkers(long jobInstanceId) {
		List<Claim> open = jdbc.sql("""
				SELECT step_execution_id, step_name, worker_id FROM send_partition
				WHERE job_instance_id = ? AND ended_at IS NULL ORDER BY step_execution_id""")
			.param(jobInstanceId)
			.query((rs, row) -> new Claim(rs.getLong(1), rs.getString(2), rs.getString(3), false))
			.list();
		return open.stream().filter(claim -> {
			if (alive(claim.workerId()) && !MANAGER.equals(claim.workerId())) {
				return true;
			}
			release(claim.stepExecutionId());
			return false;
		}).toList();
	}
}
