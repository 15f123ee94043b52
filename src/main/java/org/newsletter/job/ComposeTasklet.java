package org.newsletter.job;

import org.newsletter.issue.IssueComposer;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The compose step: the issue of the job instance's cutoff, made once from the eligible
 * entries (DESIGN.md §4) and stored. Too few entries end the job with
 * {@value WeeklyDigestJobConfig#NOTHING_TO_SEND}, nothing sent.
 */
class ComposeTasklet implements Tasklet {

	private final IssueComposer composer;

	ComposeTasklet(IssueComposer composer) {
		this.composer = composer;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = contribution.getStepExecution();
		var parameters = DigestParameters.of(step.getJobParameters());
		var outcome = composer.compose(step.getJobExecution().getJobInstance().getInstanceId(), parameters.cutoff(),
				parameters.dryRun(), parameters.sendEmpty());
		step.getExecutionContext().putInt(RunReport.ELIGIBLE, outcome.eligible());
		if (outcome.issue().isEmpty()) {
			contribution.setExitStatus(new ExitStatus(WeeklyDigestJobConfig.NOTHING_TO_SEND,
					"fewer eligible entries than min-entries between " + outcome.window().start() + " and "
							+ outcome.window().end()));
		}
		else {
			step.getExecutionContext().putInt(RunReport.SOURCES, outcome.issue().get().sourceCount());
			step.getExecutionContext().putString(RunReport.EMAIL_BUDGET,
					outcome.budget().cut() ? "; " + outcome.budget().report() : "");
		}
		return RepeatStatus.FINISHED;
	}
}
