package org.newsletter.job;

import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * The issue of the running job, read once for the send step, its partitions and the finish
 * step rather than by each of them: its bodies never change once composed, and they are
 * megabytes for a big issue. A process runs one job at a time.
 */
@Component
class RunIssue {

	private final IssueRepository issues;

	private Issue issue;

	RunIssue(IssueRepository issues) {
		this.issues = issues;
	}

	/** The issue composed for the job instance {@code step} belongs to. */
	synchronized Issue of(StepExecution step) {
		long instance = step.getJobExecution().getJobInstance().getInstanceId();
		if (issue == null || issue.jobInstanceId() != instance) {
			issue = issues.findByJobInstance(instance)
				.orElseThrow(() -> new IllegalStateException("no issue was composed for job instance " + instance));
		}
		return issue;
	}
}
