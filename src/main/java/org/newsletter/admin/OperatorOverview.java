package org.newsletter.admin;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.newsletter.config.BadInputException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.DeliveryReport;
import org.newsletter.delivery.DeliveryRepository;
import org.newsletter.delivery.IssueDeliveries;
import org.newsletter.feed.FeedHealth;
import org.newsletter.feed.FeedList;
import org.newsletter.feed.FeedSource;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;
import org.newsletter.job.DigestRuns;
import org.newsletter.job.RunHeartbeat;
import org.newsletter.job.RunReport;
import org.newsletter.job.WeeklyDigestJobConfig;
import org.newsletter.service.DigestSchedule;
import org.newsletter.subscriber.AudienceRepository;
import org.newsletter.subscriber.Subscriber;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Reads what the operator page shows ({@link Overview}) from where the commands read it: the
 * runs from Spring Batch's job repository (as {@code status}), the deliveries, the feeds'
 * records (as {@code feeds check}), the list and the schedule.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(AdminEnabled.class)
class OperatorOverview {

	/** Recent runs (job instances) shown, each with all its executions. */
	static final int RUNS = 8;

	/** Sent issues in the list's history. */
	static final int ISSUES = 8;

	/** Failed deliveries of the latest issue listed with their reply. */
	static final int FAILURES = 20;

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm z", Locale.ENGLISH);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

	private final JobRepository jobRepository;

	private final RunHeartbeat heartbeat;

	private final IssueRepository issues;

	private final DeliveryRepository deliveries;

	private final IssueDeliveries issueDeliveries;

	private final DeliveryReport report;

	private final AudienceRepository audiences;

	private final FeedHealth feedHealth;

	private final DigestSchedule schedule;

	private final NewsletterProperties properties;

	OperatorOverview(JobRepository jobRepository, RunHeartbeat heartbeat, IssueRepository issues,
			DeliveryRepository deliveries, IssueDeliveries issueDeliveries, DeliveryReport report,
			AudienceRepository audiences, FeedHealth feedHealth, DigestSchedule schedule, NewsletterProperties properties) {
		this.jobRepository = jobRepository;
		this.heartbeat = heartbeat;
		this.issues = issues;
		this.deliveries = deliveries;
		this.issueDeliveries = issueDeliveries;
		this.report = report;
		this.audiences = audiences;
		this.feedHealth = feedHealth;
		this.schedule = schedule;
		this.properties = properties;
	}

	Overview read() {
		List<JobExecution> executions = recentExecutions();
		// this week's: the latest execution of the newest cutoff run for real (a restart of an older one is not it)
		Optional<JobExecution> lastRun = executions.stream()
			.filter(e -> !DigestRuns.dryRun(e))
			.max(Comparator.comparing((JobExecution e) -> e.getJobInstance().getInstanceId()).thenComparing(JobExecution::getId));
		Optional<Issue> lastRunIssue = lastRun.flatMap(e -> issues.findByJobInstance(e.getJobInstance().getInstanceId()));
		Optional<Issue> latest = lastRunIssue.or(() -> report.latestIssue().flatMap(issues::find));
		Optional<Overview.LatestIssue> latestIssue = latest.map(this::latestIssue);
		return new Overview(properties.title(), verdict(lastRun, lastRunIssue.flatMap(i -> latestIssue)), nextRun(),
				latestIssue.orElse(null), runs(executions, lastRun), subscribers(), feeds());
	}

	/** Every execution of the {@link #RUNS} newest runs, newest first. */
	private List<JobExecution> recentExecutions() {
		List<JobExecution> executions = new ArrayList<>();
		for (JobInstance instance : jobRepository.getJobInstances(WeeklyDigestJobConfig.JOB_NAME, 0, RUNS)) {
			executions.addAll(jobRepository.getJobExecutions(instance));
		}
		executions.sort(Comparator.comparing(JobExecution::getId).reversed());
		return executions;
	}

	private Overview.Verdict verdict(Optional<JobExecution> lastRun, Optional<Overview.LatestIssue> issue) {
		if (lastRun.isEmpty()) {
			return new Overview.Verdict("quiet", "No issue has gone out yet", "No run so far.", null);
		}
		JobExecution run = lastRun.get();
		String name = issue.map(i -> "Issue #" + i.number()).orElse("The issue for " + cutoff(run));
		String when = time(run.getEndTime() != null ? run.getEndTime() : run.getStartTime());
		IssueDeliveries.Tally tally = issue.map(Overview.LatestIssue::tally).orElse(null);
		if (run.getStatus() == BatchStatus.COMPLETED) {
			if (DigestRuns.nothingToSend(run)) {
				return new Overview.Verdict("quiet", "No issue this time: nothing new",
						"The run for " + cutoff(run) + " found too few new entries and sent nothing (" + when + ").", null);
			}
			return new Overview.Verdict("ok", name + " went out", "Sent to " + count(tally.sent()) + " of "
					+ count(tally.recorded()) + failedPart(tally) + ", finished " + when + ".", null);
		}
		if (run.isRunning() && heartbeat.liveOwner(run.getId()).isPresent()) {
			return new Overview.Verdict("busy", name + " is going out now", tally == null ? "Started " + when + "."
					: "Sent to " + count(tally.sent()) + " of " + count(tally.recorded() + tally.pending()) + " so far"
							+ failedPart(tally) + "; started " + when + ".", null);
		}
		String sent = tally == null ? "nothing sent" : "sent to " + count(tally.sent()) + " of "
				+ count(tally.recorded() + tally.pending()) + failedPart(tally);
		return new Overview.Verdict("bad", name + " did not go out", "The run for " + cutoff(run) + " ended "
				+ statusWord(run) + " (" + when + "), " + sent + ". " + cause(run), run.getId());
	}

	private static String failedPart(IssueDeliveries.Tally tally) {
		return (tally.failed() > 0 ? ", " + count(tally.failed()) + " failed" : "")
				+ (tally.deferred() > 0 ? ", " + count(tally.deferred()) + " deferred" : "");
	}

	private Overview.LatestIssue latestIssue(Issue issue) {
		return new Overview.LatestIssue(issue.id(), issues.number(issue.cutoff()), time(issue.cutoff()), issue.status(),
				issueDeliveries.tally(issue.id()), issueDeliveries.failures(issue.id(), FAILURES));
	}

	/**
	 * The runs; only the latest, {@code lastRun}, may have a Restart button: an older unfinished
	 * run's entries went into the later issue too, and restarting it would send them twice.
	 */
	private List<Overview.Run> runs(List<JobExecution> executions, Optional<JobExecution> lastRun) {
		return executions.stream().map(execution -> {
			var issue = issues.findOutlineByJobInstance(execution.getJobInstance().getInstanceId());
			var counts = issue.map(i -> deliveries.counts(i.id()));
			boolean latest = lastRun.map(JobExecution::getId).filter(id -> id == execution.getId()).isPresent();
			List<Overview.Step> steps = execution.getStepExecutions().stream()
				.filter(step -> !step.getStepName().contains(":")) // a partitioned step's workers are in its counts
				.sorted(Comparator.comparing(StepExecution::getId))
				.map(step -> new Overview.Step(step.getStepName(), step.getStatus().toString(), step.getReadCount(),
						step.getWriteCount(), step.getSkipCount()))
				.toList();
			String exit = execution.getExitStatus().getExitCode();
			String cause = execution.getStatus() == BatchStatus.COMPLETED ? "" : cause(execution);
			return new Overview.Run(execution.getId(), cutoff(execution), statusWord(execution), tone(execution),
					DigestRuns.dryRun(execution), time(execution.getStartTime()), time(execution.getEndTime()),
					issue.map(i -> count(i.entryCount()) + " entries from " + count(i.sourceCount()) + " sources").orElse("–"),
					counts.map(c -> c.sent() + "/" + c.failed() + "/" + c.deferred()).orElse("–"),
					cause.isEmpty() ? exit : exit + ": " + cause, steps, latest && restartable(execution));
		}).toList();
	}

	/** As {@code restart} would take it: failed, stopped, or left running by a process that is gone. */
	private boolean restartable(JobExecution execution) {
		BatchStatus status = execution.getStatus();
		if (status == BatchStatus.FAILED || status == BatchStatus.STOPPED) {
			return true;
		}
		return status.isRunning() && heartbeat.liveOwner(execution.getId()).isEmpty();
	}

	/** The status, and for a run whose process ended without finishing it, that it is not running. */
	private String statusWord(JobExecution execution) {
		if (execution.isRunning() && heartbeat.liveOwner(execution.getId()).isEmpty()) {
			return execution.getStatus() + " (its process ended)";
		}
		return execution.getStatus().toString();
	}

	private String tone(JobExecution execution) {
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			return "ok";
		}
		return execution.isRunning() && heartbeat.liveOwner(execution.getId()).isPresent() ? "busy" : "bad";
	}

	/**
	 * Why a run failed, in one line: the failed step's cause as the run recorded it; a send
	 * partition's own (the SMTP server's reply) before the send step's, which only says a
	 * partition failed.
	 */
	private static String cause(JobExecution execution) {
		String recorded = execution.getStepExecutions().stream()
			.filter(step -> step.getExecutionContext().containsKey(RunReport.FAILURE))
			.sorted(Comparator.comparing((StepExecution step) -> !step.getStepName().contains(":"))
				.thenComparing(StepExecution::getId))
			.map(step -> step.getStepName().replaceFirst(":.*", "") + ": " + step.getExecutionContext().getString(RunReport.FAILURE))
			.findFirst()
			.orElseGet(() -> firstLine(execution.getExitStatus().getExitDescription()));
		return recorded.length() > 300 ? recorded.substring(0, 300) + "…" : recorded;
	}

	private static String firstLine(String text) {
		return text == null ? "" : text.strip().lines().findFirst().orElse("").replaceFirst("^[\\w.$]+(Exception|Error): ", "");
	}

	private Overview.Subscribers subscribers() {
		List<IssueRepository.SentIssue> sent = issues.findSent();
		List<IssueRepository.SentIssue> recent = sent.subList(0, Math.min(ISSUES, sent.size()));
		Map<Long, AudienceRepository.Audience> recorded = audiences.of(recent.stream().map(IssueRepository.SentIssue::id).toList());
		List<Overview.IssueAudience> history = new ArrayList<>();
		for (int i = 0; i < recent.size(); i++) {
			var issue = recent.get(i);
			var counts = deliveries.counts(issue.id());
			var audience = recorded.get(issue.id());
			history.add(new Overview.IssueAudience(sent.size() - i, day(issue.sentAt() != null ? issue.sentAt() : issue.cutoff()),
					counts.sent(), counts.failed(), audience == null ? null : audience.byStatus()));
		}
		AudienceRepository.Audience now = audiences.now();
		return new Overview.Subscribers(List.copyOf(now.byStatus().keySet()), now.byStatus(), history);
	}

	private Overview.Feeds feeds() {
		List<FeedSource> sources;
		try {
			sources = FeedList.read(Path.of(properties.feeds()));
		}
		catch (BadInputException ex) {
			return new Overview.Feeds(0, 0, 0, List.of(), ex.getMessage());
		}
		Map<String, FeedHealth.Record> records = feedHealth.byUrl();
		int limit = properties.fetch().disableAfter();
		List<Overview.Feed> list = new ArrayList<>();
		for (FeedSource source : sources) {
			FeedHealth.Record record = records.get(source.url());
			String title = !source.title().isBlank() ? source.title()
					: record != null && record.title() != null && !record.title().isBlank() ? record.title() : source.url();
			list.add(feed(title, source.url(), record, limit));
		}
		list.sort(Comparator.comparing((Overview.Feed feed) -> !feed.tone().equals("bad"))
			.thenComparing(feed -> feed.title().toLowerCase(Locale.ROOT)));
		int failing = (int) list.stream().filter(feed -> feed.tone().equals("bad")).count();
		int ok = (int) list.stream().filter(feed -> feed.tone().equals("ok")).count();
		return new Overview.Feeds(list.size(), ok, failing, list, null);
	}

	private Overview.Feed feed(String title, String url, FeedHealth.Record record, int limit) {
		if (record == null || record.lastStatus() == null) {
			return new Overview.Feed(title, url, "quiet", "not fetched by a run yet", "", 0, "–");
		}
		String success = "last success " + (record.lastSuccessAt() == null ? "never" : time(record.lastSuccessAt()));
		String newest = record.newestEntry() == null ? "–" : day(record.newestEntry());
		if (record.consecutiveFailures() == 0) {
			return new Overview.Feed(title, url, "ok", "ok", success, record.entries(), newest);
		}
		int runs = record.consecutiveFailures();
		String state = "failed " + runs + (runs == 1 ? " run" : " runs") + " in a row"
				+ (record.failingFor(limit) ? ": fix it or remove it from the feed list" : "");
		return new Overview.Feed(title, url, "bad", state, record.lastError() + " (" + success + ")", record.entries(), newest);
	}

	private String nextRun() {
		return schedule.nextTick()
			.map(next -> time(next.toInstant()) + " (schedule '" + properties.schedule().strip() + "', "
					+ properties.scheduleZone() + ")")
			.orElse("No schedule (newsletter.schedule): an issue goes out when ./newsletter run is run.");
	}

	private static String cutoff(JobExecution execution) {
		return execution.getJobParameters().getString("cutoff");
	}

	private String time(Instant instant) {
		return instant == null ? "–" : TIME.format(instant.atZone(properties.timeZone()));
	}

	/** Spring Batch's times are the local times of the machine that ran the step. */
	private String time(LocalDateTime time) {
		return time == null ? "–" : time(time.atZone(ZoneId.systemDefault()).toInstant());
	}

	private String day(Instant instant) {
		return DAY.format(instant.atZone(properties.timeZone()));
	}

	private static String count(long n) {
		return String.format(Locale.ENGLISH, "%,d", n);
	}
}
