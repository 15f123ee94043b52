package org.newsletter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.newsletter.config.BadInputException;
import org.newsletter.delivery.DeliveryReport;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deliveries}: an issue's outcome per subscriber, as CSV. */
@Command(name = "deliveries", mixinStandardHelpOptions = true,
		header = "Reports an issue's deliveries per subscriber as CSV: sent, failed, deferred, bounced or still pending.",
		description = {
				"Columns: email, name, status, attempted_at, smtp_reply, message_id; one line per subscriber, "
						+ "in subscriber order.",
				"Without --status, every delivery of the issue (sent, failed, deferred and bounced). --status=deferred lists "
						+ "those the server refused for now past the retries (a restart retries them); --status=bounced those "
						+ "the SMTP server took and a report in the bounce mailbox then said could not be delivered (the "
						+ "smtp_reply column ends with the bounce's status and words); --status=pending "
						+ "the active subscribers with no delivery of it: whom a restart would still send it to (after "
						+ "an issue went out, those who subscribed since).",
				"Cells a spreadsheet would run as a formula start with '.",
				"People forgotten at their request (subscribers forget) keep their lines, with forgotten for the "
						+ "email, no name and no SMTP reply.",
				"Exit code 2 for an unknown issue, 3 when no issue has been composed yet." },
		footer = { "", "Examples:", "  ./newsletter deliveries --status=failed",
				"  ./newsletter deliveries --issue=12 --out=issue-12.csv" })
class DeliveriesCommand implements Callable<Integer> {

	@Option(names = "--issue", paramLabel = "ID",
			description = "The issue's id (default: the latest issue, not a dry run, with any delivery, else the "
					+ "latest issue).")
	Long issueId;

	@Option(names = "--status", paramLabel = "STATUS",
			description = "Only these lines: sent, failed, deferred, bounced or pending.")
	DeliveryReport.Status status;

	@Option(names = "--out", paramLabel = "FILE", defaultValue = "-",
			description = "Where to write (UTF-8); - for standard output (default).")
	String out;

	@Spec
	CommandSpec spec;

	private final IssueRepository issues;

	private final DeliveryReport report;

	DeliveriesCommand(IssueRepository issues, DeliveryReport report) {
		this.issues = issues;
		this.report = report;
	}

	@Override
	public Integer call() throws IOException {
		PrintWriter err = spec.commandLine().getErr();
		Optional<Issue> latest = issues.findLatest();
		// A run that failed before sending composed a newer issue with no delivery: not the one to show.
		Optional<Issue> chosen = issueId != null ? issues.find(issueId)
				: report.latestIssue().flatMap(issues::find).or(() -> latest);
		if (issueId != null && chosen.isEmpty()) {
			throw new BadInputException("there is no issue " + issueId
					+ latest.map(i -> " (the latest is " + i.id() + ")").orElse(""));
		}
		if (chosen.isEmpty()) {
			err.println("newsletter: no issue yet, so no deliveries to report (send one with ./newsletter run)");
			return ExitCodes.NOTHING_TO_DO;
		}
		Issue issue = chosen.get();
		long count = OutputFile.write(out, spec.commandLine().getOut(), writer -> report.write(issue.id(), status, writer));
		if (!OutputFile.isStandardOutput(out)) {
			err.println(count + (status == null ? " deliveries" : " " + status.name().toLowerCase(Locale.ROOT))
					+ " of issue " + issue.id() + " (cutoff " + issue.cutoff() + ") written to " + out);
		}
		return ExitCodes.OK;
	}
}
