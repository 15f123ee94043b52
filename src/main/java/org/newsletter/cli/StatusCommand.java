package org.newsletter.cli;

import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import org.newsletter.delivery.DeliveryRepository;
import org.newsletter.issue.IssueRepository;
import org.newsletter.job.DigestRuns;
import org.newsletter.job.RunReport;
import org.newsletter.job.WeeklyDigestJobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/** {@code status}: the recent runs of the weekly digest. */
@Command(name = "status", mixinStandardHelpOptions = true, header = "Lists the recent runs of the weekly digest.",
		description = "One line per execution: id, cutoff, status, start and end, feeds ok/failed, entries, "
				+ "messages sent/failed/deferred, exit message.",
		footer = { "", "Example:", "  ./newsletter status --limit=5" })
class StatusCommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	@picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "EXECUTION_ID",
			description = "Show this execution step by step: counts, failures and their messages.")
	Long executionId;

	@Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "How many executions to show (default: ${DEFAULT-VALUE}).")
	int limit;

	@Spec
	CommandSpec spec;

	private final JobRepository jobRepository;

	private final IssueRepository issues;

	private final DeliveryRepository deliveries;

	private final DigestRuns runs;

	StatusCommand(JobRepository jobRepository, IssueRepository issues, DeliveryRepository deliveries, DigestRuns runs) {
		this.jobRepository = jobRepository;
		this.runs = runs;
		this.issues = issues;
		this.deliveries = deliveries;
	}

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		if (executionId != null) {
			return detail(out);
		}
		List<JobExecution> executions = new ArrayList<>();
		for (JobInstance instance : jobRepository.getJobInstances(WeeklyDigestJobConfig.JOB_NAME, 0, limit)) {
			executions.addAll(jobRepository.getJobExecutions(instance));
		}
		executions.sort(Comparator.comparing(JobExecution::getId).reversed());
		if (executions.isEmpty()) {
			out.println("No runs yet. Start one with: ./newsletter run");
			return ExitCodes.OK;
		}
		out.printf("%-5s %-21s %-10s %-19s %-19s %-11s %-7s %-15s %s%n", "ID", "CUTOFF", "STATUS", "START", "END",
				"FEEDS", "ENTRIES", "SENT/FAIL/DEFER", "EXIT");
		executions.stream().limit(limit).forEach(execution -> out.println(line(execution)));
		return ExitCodes.OK;
	}

	private int detail(PrintWriter out) {
		JobExecution execution = runs.execution(executionId).orElse(null);
		if (execution == null) {
			throw new org.newsletter.config.BadInputException("there is no execution " + executionId);
		}
		out.printf("%-5s %-21s %-10s %-19s %-19s %-11s %-7s %-15s %s%n", "ID", "CUTOFF", "STATUS", "START", "END",
				"FEEDS", "ENTRIES", "SENT/FAIL/DEFER", "EXIT");
		out.println(line(execution));
		out.println();
		out.printf("  %-24s %-10s %6s %6s %6s %7s %9s  %s%n", "STEP", "STATUS", "READ", "WRITE", "SKIP", "COMMITS",
				"ROLLBACKS", "EXIT");
		for (StepExecution step : execution.getStepExecutions().stream()
			.sorted(Comparator.comparing(StepExecution::getId))
			.toList()) {
			String description = step.getExecutionContext().containsKey(RunReport.FAILURE)
					? step.getExecutionContext().getString(RunReport.FAILURE)
					: OneLineErrors.exitDescription(step.getExitStatus().getExitDescription());
			out.printf("  %-24s %-10s %6d %6d %6d %7d %9d  %s%n", step.getStepName(), step.getStatus(), step.getReadCount(),
					step.getWriteCount(), step.getSkipCount(), step.getCommitCount(), step.getRollbackCount(),
					step.getExitStatus().getExitCode() + (description.isEmpty() ? "" : ": " + description));
		}
		execution.getAllFailureExceptions()
			.forEach(failure -> out.println("  failure: " + org.newsletter.config.Failures.oneLine(failure)));
		return ExitCodes.OK;
	}

	private String line(JobExecution execution) {
		StepExecution fetch = execution.getStepExecutions().stream()
			.filter(s -> s.getStepName().equals(WeeklyDigestJobConfig.FETCH_STEP))
			.findFirst()
			.orElse(null);
		String feeds = fetch == null ? "-" : fetch.getWriteCount() + " ok/" + fetch.getProcessSkipCount();
		var issue = issues.findOutlineByJobInstance(execution.getJobInstance().getInstanceId());
		String entries = issue.map(i -> Integer.toString(i.entryCount())).orElse("-");
		String sent = issue.map(i -> deliveries.counts(i.id())).map(c -> c.sent() + "/" + c.failed() + "/" + c.deferred()).orElse("-");
		String exit = execution.getExitStatus().getExitCode();
		String description = OneLineErrors.exitDescription(execution.getExitStatus().getExitDescription());
		if (!description.isEmpty()) {
			exit += ": " + description;
		}
		return String.format("%-5d %-21s %-10s %-19s %-19s %-11s %-7s %-15s %s", execution.getId(),
				execution.getJobParameters().getString("cutoff"), execution.getStatus(), time(execution.getStartTime()),
				time(execution.getEndTime()), feeds, entries, sent, exit.length() > 100 ? exit.substring(0, 100) + "…" : exit);
	}

	private static String time(java.time.LocalDateTime time) {
		return time == null ? "-" : TIME.format(time);
	}
}
