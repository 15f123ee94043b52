package org.newsletter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.DeliveryRepository;
import org.newsletter.delivery.MessageSenders;
import org.newsletter.feed.FeedList;
import org.newsletter.feed.FeedRepository;
import org.newsletter.issue.IssueRepository;
import org.newsletter.job.DigestParameters;
import org.newsletter.job.DigestRuns;
import org.newsletter.job.RemoteSend;
import org.newsletter.job.RunHeartbeat;
import org.newsletter.job.WeeklyDigestJobConfig;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * Starts the weekly-digest job as the commands need it and turns its outcome into what the
 * operator reads: the summary table and the exit code.
 */
@Component
class DigestLauncher {

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job weeklyDigestJob;

	private final NewsletterProperties properties;

	private final FeedRepository feeds;

	private final IssueRepository issues;

	private final DeliveryRepository deliveries;

	private final MessageSenders senders;

	private final Clock clock;

	private final RunHeartbeat heartbeat;

	private final DigestRuns runs;

	private final RemoteSend remoteSend;

	DigestLauncher(JobOperator jobOperator, JobRepository jobRepository, Job weeklyDigestJob,
			NewsletterProperties properties, FeedRepository feeds, IssueRepository issues, DeliveryRepository deliveries,
			MessageSenders senders, Clock clock, RunHeartbeat heartbeat, DigestRuns runs, RemoteSend remoteSend) {
		this.remoteSend = remoteSend;
		this.heartbeat = heartbeat;
		this.runs = runs;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.weeklyDigestJob = weeklyDigestJob;
		this.properties = properties;
		this.feeds = feeds;
		this.issues = issues;
		this.deliveries = deliveries;
		this.senders = senders;
		this.clock = clock;
	}

	/** Runs the job for {@code parameters}; returns the exit code. */
	int run(DigestParameters parameters, PrintWriter out, PrintWriter err) {
		FeedList.read(Path.of(properties.feeds()));
		var jobParameters = parameters.toJobParameters(clock.instant());
		JobExecution last = jobRepository.getLastJobExecution(WeeklyDigestJobConfig.JOB_NAME, jobParameters);
		if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
			err.println("newsletter: the issue for cutoff " + parameters.cutoff() + " was already run (execution "
					+ last.getId() + ", " + last.getExitStatus().getExitCode() + "); nothing to do");
			return ExitCodes.NOTHING_TO_DO;
		}
		Optional<JobExecution> live = heartbeat.liveRun();
		if (live.isPresent()) {
			JobExecution running = live.get();
			err.println("newsletter: " + (last != null && last.getId() == running.getId() ? "the run for cutoff "
					+ parameters.cutoff() : "another run (cutoff " + running.getJobParameters().getString("cutoff") + ")")
					+ " is going on now (execution " + running.getId() + ", "
					+ heartbeat.liveOwner(running.getId()).map(Object::toString).orElse("another process")
					+ "); wait for it to finish");
			return ExitCodes.FAILED;
		}
		if (last != null) {
			err.println("newsletter: the run for cutoff " + parameters.cutoff() + " did not finish (execution "
					+ last.getId() + ", " + last.getStatus() + "); finish it with: ./newsletter restart " + last.getId());
			return ExitCodes.FAILED;
		}
		warnAboutUnfinishedRuns(parameters, err);
		if (!parameters.outbox() && !parameters.dryRun() && !senders.smtpConfigured() && !remoteSend.remote()) {
			out.println("No spring.mail.host is set: messages go to the outbox folder " + properties.outbox() + ".");
		}
		out.println("weekly-digest for cutoff " + parameters.cutoff() + (parameters.dryRun() ? " (dry run)" : ""));
		try {
			return report(jobOperator.start(weeklyDigestJob, jobParameters), out, err);
		}
		catch (JobInstanceAlreadyCompleteException ex) {
			err.println("newsletter: the issue for cutoff " + parameters.cutoff() + " was already run; nothing to do");
			return ExitCodes.NOTHING_TO_DO;
		}
		catch (Exception ex) {
			throw new IllegalStateException("the job could not start: " + ex.getMessage(), ex);
		}
	}

	/**
	 * An unfinished run of another cutoff holds an issue that was never sent: its entries go
	 * into this one too, and restarting it later would send them twice.
	 */
	private void warnAboutUnfinishedRuns(DigestParameters parameters, PrintWriter err) {
		unfinishedRuns().forEach(e -> err.println("warning: the run for cutoff " + e.getJobParameters().getString("cutoff")
					+ " (execution " + e.getId() + ") is " + e.getStatus() + " and unfinished; its entries go into this "
					+ "issue too, so do not restart it after this run"));
	}

	/**
	 * The latest execution of each recent run that neither completed nor was abandoned (failed,
	 * stopped, or left started by a killed process), newest first.
	 */
	List<JobExecution> unfinishedRuns() {
		return runs.unfinished();
	}

	/** Prints the summary of {@code execution} and returns its exit code. */
	int report(JobExecution execution, PrintWriter out, PrintWriter err) {
		printSummary(execution, out);
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			if (DigestRuns.nothingToSend(execution)) {
				out.println("Nothing to send: no new entries for this issue (use --send-empty to send anyway).");
				return ExitCodes.NOTHING_TO_DO;
			}
			return ExitCodes.OK;
		}
		String cause = org.newsletter.config.Failures.oneLine(execution.getAllFailureExceptions());
		if (cause == null) {
			cause = execution.getExitStatus().getExitDescription();
		}
		err.println("newsletter: the run failed (execution " + execution.getId() + "): " + firstLine(cause));
		err.println("Fix the cause, then finish the run with: ./newsletter restart " + execution.getId());
		return ExitCodes.FAILED;
	}

	private void printSummary(JobExecution execution, PrintWriter out) {
		StepExecution fetch = step(execution, WeeklyDigestJobConfig.FETCH_STEP);
		out.println();
		out.println("Summary");
		if (fetch != null) {
			out.printf("  %-10s %d ok, %d failed%n", "feeds", fetch.getWriteCount(), fetch.getProcessSkipCount());
			Instant since = toInstant(fetch.getStartTime());
			List<FeedRepository.FeedRecord> failures = since == null ? List.of() : feeds.failedSince(since);
			for (var failed : failures) {
				out.printf("  %-10s   failed: %s (%s): %s%n", "", failed.title(), failed.url(), failed.lastError());
			}
			printChronicFailures(failures, out);
		}
		issues.findOutlineByJobInstance(execution.getJobInstance().getInstanceId()).ifPresent(issue -> {
			out.printf("  %-10s %d from %d sources%n", "entries", issue.entryCount(), issue.sourceCount());
			var counts = deliveries.counts(issue.id());
			out.printf("  %-10s %d sent, %d failed%s%s%n", "messages", counts.sent(), counts.failed(),
					counts.deferred() == 0 ? "" : ", " + counts.deferred() + " deferred (restart retries them)",
					DigestParameters.of(execution.getJobParameters()).outbox() || !senders.smtpConfigured() && !remoteSend.remote()
							? " (written to " + senders.outbox(issue.id()) + ")" : "");
		});
		Object archive = execution.getExecutionContext().get(WeeklyDigestJobConfig.ARCHIVE);
		if (archive != null) {
			out.printf("  %-10s %s%n", "html", archive);
		}
		out.printf("  %-10s %s%n", "status", execution.getStatus());
		out.printf("  %-10s %.1f s%n", "time", elapsed(execution).toMillis() / 1000.0);
		out.flush();
	}

	/**
	 * Feeds that have failed {@code disable-after} runs in a row, loudly: a feed that quietly
	 * failed for weeks is what an operator most needs to hear about.
	 */
	private void printChronicFailures(List<FeedRepository.FeedRecord> failures, PrintWriter out) {
		int limit = properties.fetch().disableAfter();
		for (var feed : failures.stream().filter(f -> f.failingFor(limit)).toList()) {
			out.printf("  %-10s %s (%s) has FAILED %d RUNS IN A ROW (%s); fix it or remove it from the feed list%n",
					"WARNING", feed.title(), feed.url(), feed.consecutiveFailures(),
					feed.lastSuccessAt() == null ? "never succeeded" : "last success " + feed.lastSuccessAt());
		}
	}

	private static StepExecution step(JobExecution execution, String name) {
		return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst().orElse(null);
	}

	private static Duration elapsed(JobExecution execution) {
		Instant start = toInstant(execution.getStartTime());
		Instant end = toInstant(execution.getEndTime());
		return start == null ? Duration.ZERO : Duration.between(start, end == null ? Instant.now() : end);
	}

	static Instant toInstant(LocalDateTime time) {
		return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
	}

	private static String firstLine(String text) {
		return text == null ? "unknown cause" : text.strip().lines().findFirst().orElse("unknown cause");
	}
}
