package org.newsletter.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.newsletter.config.NewsletterProperties;
import org.newsletter.job.DigestParameters;
import org.newsletter.job.DigestRuns;
import org.newsletter.job.RunHeartbeat;
import org.newsletter.job.RunRestart;
import org.newsletter.job.WeeklyDigestJobConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

/**
 * The weekly schedule of {@code serve} (DESIGN.md §12): each tick of {@code newsletter.schedule}
 * runs the weekly-digest job with the tick's scheduled instant as the cutoff, so a tick is one
 * job instance and never sends twice. At start it first finishes a run that a stop (SIGTERM) or
 * a killed process left unfinished, then runs the latest tick once if the process was down at it
 * and it is younger than {@code schedule-catch-up}; an older one is reported and skipped. A tick
 * that comes while a run goes on is skipped with a log line; a failed run is reported and left
 * for {@code restart}, never retried blindly.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class DigestSchedule implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DigestSchedule.class);

	private final NewsletterProperties properties;

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job weeklyDigestJob;

	private final RunHeartbeat heartbeat;

	private final DigestRuns digestRuns;

	private final RunRestart restart;

	private final Clock clock;

	private final CronExpression cron;

	/** How often a tick is tried when another serve on the same database starts it at the same moment. */
	private static final int RACE_ATTEMPTS = 3;

	private final AtomicBoolean busy = new AtomicBoolean();

	private ThreadPoolTaskScheduler ticks;

	private ExecutorService runThread;

	private volatile boolean running;

	public DigestSchedule(NewsletterProperties properties, JobOperator jobOperator, JobRepository jobRepository,
			Job weeklyDigestJob, RunHeartbeat heartbeat, DigestRuns runs, RunRestart restart, Clock clock) {
		this.digestRuns = runs;
		this.restart = restart;
		this.properties = properties;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.weeklyDigestJob = weeklyDigestJob;
		this.heartbeat = heartbeat;
		this.clock = clock;
		this.cron = properties.schedule().isBlank() ? null : CronExpression.parse(properties.schedule().strip());
	}

	/** The next tick after now; empty without a schedule. */
	public Optional<ZonedDateTime> nextTick() {
		return cron == null ? Optional.empty()
				: Optional.ofNullable(cron.next(ZonedDateTime.now(clock.withZone(properties.scheduleZone()))));
	}

	@Override
	public void start() {
		running = true;
		runThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "digest-run"));
		busy.set(true);
		runAlone(() -> {
			new UnfinishedRuns(restart, digestRuns, heartbeat).finish();
			if (cron != null) {
				catchUp();
			}
		});
		if (cron == null) {
			log.info("no newsletter.schedule: the weekly digest runs only when asked (./newsletter run)");
			return;
		}
		ticks = new ThreadPoolTaskScheduler();
		ticks.setThreadNamePrefix("digest-schedule-");
		ticks.setClock(clock);
		ticks.initialize();
		ticks.schedule(this::tick, new CronTrigger(properties.schedule().strip(), properties.scheduleZone()));
		log.info("schedule '{}' ({}): next run {}", properties.schedule(), properties.scheduleZone(), nextTick().orElse(null));
	}

	/** The latest tick, if the process was down at it: run once when young enough, reported otherwise. */
	private void catchUp() {
		Instant now = clock.instant();
		Optional<Instant> missed = latestTick(now).filter(tick -> jobRepository
			.getJobInstance(WeeklyDigestJobConfig.JOB_NAME, parameters(tick)) == null);
		if (missed.isEmpty()) {
			return;
		}
		Duration age = Duration.between(missed.get(), now);
		if (age.compareTo(properties.scheduleCatchUp()) <= 0) {
			log.info("the tick of {} was missed while the service was down: running it now", missed.get());
			runTick(missed.get());
		}
		else {
			log.warn("the tick of {} was missed while the service was down and is older than newsletter.schedule-catch-up "
					+ "({}): skipped; send it with ./newsletter run --cutoff={}", missed.get(), properties.scheduleCatchUp(),
					missed.get());
		}
	}

	/** Called by the scheduler just after each tick. */
	private void tick() {
		Instant tick = latestTick(clock.instant()).orElse(null);
		if (tick == null || !running) {
			return;
		}
		Optional<JobExecution> live = heartbeat.liveRun();
		if (live.isPresent() && tick.toString().equals(live.get().getJobParameters().getString("cutoff"))) {
			log.info("the tick of {} runs in {} (several serve processes on one database)", tick,
					heartbeat.liveOwner(live.get().getId()).map(Object::toString).orElse("another process"));
			return;
		}
		if (live.isPresent() || !busy.compareAndSet(false, true)) {
			log.warn("the tick of {} is skipped: a run is still going on{}", tick,
					live.map(e -> " (execution " + e.getId() + ", cutoff " + e.getJobParameters().getString("cutoff") + ")")
						.orElse(""));
			return;
		}
		runAlone(() -> runTick(tick));
	}

	/**
	 * Runs {@code work} (the operator page's restart) on the run thread at once, unless a run is
	 * going on, here or in another process, or the service is stopping: then empty, and nothing
	 * runs. Like a run, the work makes a tick that comes meanwhile skip. What it returns or throws
	 * completes the future.
	 */
	public <T> Optional<CompletableFuture<T>> runNow(Callable<T> work) {
		if (!running || heartbeat.liveRun().isPresent() || !busy.compareAndSet(false, true)) {
			return Optional.empty();
		}
		var result = new CompletableFuture<T>();
		try {
			runAlone(() -> {
				try {
					result.complete(work.call());
				}
				catch (Exception ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			busy.set(false); // stopping: the run thread takes no more work
			return Optional.empty();
		}
		return Optional.of(result);
	}

	/** Runs {@code work} on the run thread; {@code busy}, set by the caller, is cleared when it ends. */
	private void runAlone(Runnable work) {
		runThread.execute(() -> {
			try {
				work.run();
			}
			catch (RuntimeException ex) {
				log.error("the service's run thread failed", ex);
			}
			finally {
				busy.set(false);
			}
		});
	}

	private void runTick(Instant tick) {
		runTick(tick, 1);
	}

	private void runTick(Instant tick, int attempt) {
		JobParameters parameters = parameters(tick);
		JobExecution last = jobRepository.getLastJobExecution(WeeklyDigestJobConfig.JOB_NAME, parameters);
		if (last != null) {
			log.info("the tick of {} already has execution {} ({}; several serves on one database run each tick once): "
					+ "nothing to do", tick, last.getId(), last.getStatus());
			return;
		}
		try {
			report(tick, jobOperator.start(weeklyDigestJob, parameters));
		}
		catch (Exception ex) {
			// Another serve on the same database may have started the tick's one job instance at the same moment
			// (PostgreSQL refuses one of the two; it shows as a serialization failure, a duplicate key, an instance
			// that exists already): once its transaction has committed, the look above finds its execution.
			if (attempt < RACE_ATTEMPTS && running) {
				log.info("the tick of {} did not start here ({}): looking again, another serve may have started it", tick,
						ex.getClass().getSimpleName());
				sleep(Duration.ofSeconds(1));
				runTick(tick, attempt + 1);
				return;
			}
			log.error("the scheduled run for {} could not start: {}", tick, ex.getMessage(), ex);
		}
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void report(Instant tick, JobExecution execution) {
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			log.info("the scheduled run for {} (execution {}) completed{}", tick, execution.getId(),
					DigestRuns.nothingToSend(execution) ? ": nothing to send, no new entries" : "");
		}
		else {
			log.error("the scheduled run for {} (execution {}) ended {}: {}; finish it with ./newsletter restart {}", tick,
					execution.getId(), execution.getStatus(), execution.getExitStatus().getExitDescription().lines()
						.findFirst().orElse(""), execution.getId());
		}
	}

	private JobParameters parameters(Instant tick) {
		return new DigestParameters(tick, false, false, false).toJobParameters(clock.instant());
	}

	/** The schedule's latest tick at or before {@code now}, looking back up to a year and a bit. */
	Optional<Instant> latestTick(Instant now) {
		ZonedDateTime end = now.atZone(properties.scheduleZone());
		for (Duration window = Duration.ofMinutes(1); window.compareTo(Duration.ofDays(800)) <= 0; window = window.multipliedBy(4)) {
			ZonedDateTime tick = cron.next(end.minus(window));
			if (tick != null && !tick.isAfter(end)) {
				for (ZonedDateTime next = cron.next(tick); next != null && !next.isAfter(end); next = cron.next(next)) {
					tick = next;
				}
				return Optional.of(tick.toInstant());
			}
		}
		return Optional.empty();
	}

	@Override
	public void stop() {
		running = false;
		if (ticks != null) {
			ticks.shutdown();
		}
		if (runThread != null) {
			runThread.shutdown(); // a run going on is stopped by the job's ShutdownStop, which waits for it
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Stopped first: no tick starts a run once the process is going down. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}
}
