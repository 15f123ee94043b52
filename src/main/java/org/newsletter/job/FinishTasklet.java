package org.newsletter.job;

import java.time.Clock;

import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueArchive;
import org.newsletter.issue.IssueRepository;
import org.newsletter.subscriber.AudienceRepository;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The finish step, once every subscriber has had the issue: marks it sent (which moves the
 * next issue's window, DESIGN.md §5), records how many subscribers were in each status then
 * (the operator page's history of the list) and writes its archive page. A dry run changes none.
 */
class FinishTasklet implements Tasklet {

	private final IssueRepository issues;

	private final RunIssue runIssue;

	private final IssueArchive archive;

	private final AudienceRepository audiences;

	private final Clock clock;

	FinishTasklet(IssueRepository issues, RunIssue runIssue, IssueArchive archive, AudienceRepository audiences,
			Clock clock) {
		this.issues = issues;
		this.audiences = audiences;
		this.runIssue = runIssue;
		this.archive = archive;
		this.clock = clock;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = contribution.getStepExecution();
		Issue issue = runIssue.issue();
		if (!issue.dryRun()) {
			issues.markSent(issue.id(), clock.instant());
			audiences.record(issue.id());
			step.getJobExecution().getExecutionContext().putString(WeeklyDigestJobConfig.ARCHIVE, archive.write(issue).toString());
		}
		return RepeatStatus.FINISHED;
	}
}
