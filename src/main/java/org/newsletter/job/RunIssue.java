package org.newsletter.job;

import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;

/**
 * The issue of one job execution, a job-scoped bean read once for the send step, its
 * partitions and the finish step rather than by each of them: its bodies never change once
 * composed, and they are megabytes for a big issue. Each execution has its own, released when
 * the execution ends, so runs one after another or side by side in one process never share it.
 */
class RunIssue {

	private final Issue issue;

	RunIssue(IssueRepository issues, long jobInstanceId) {
		this.issue = issues.findByJobInstance(jobInstanceId)
			.orElseThrow(() -> new IllegalStateException("no issue was composed for job instance " + jobInstanceId));
	}

	/** The issue composed for the running job's instance. */
	Issue issue() {
		return issue;
	}
}
