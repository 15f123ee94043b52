package org.newsletter.job;

import org.newsletter.bounce.BounceCheck;
import org.newsletter.bounce.BounceMailboxException;
import org.newsletter.config.DataDirWriteException;
import org.newsletter.config.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The bounces step, first in the run: reads the bounce mailbox ({@link BounceCheck}) so that
 * whoever bounced since the last issue is not sent this one. It does not stop the digest: without
 * a mailbox it is skipped, and a mailbox that cannot be reached, or a report that could not be
 * dealt with, is one warning line and the digest goes out all the same (a missed check only
 * delays marking someone bounced until the next one). Only a data directory that cannot be
 * written fails it, as it would fail every later step.
 * A dry run does not read it (it records nothing). Its line for the operator is left in the step's
 * context under {@value #SUMMARY} for {@link RunReport}.
 */
class BounceTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(BounceTasklet.class);

	/** The step context's key of the step's one line. */
	static final String SUMMARY = "bounces";

	private final BounceCheck check;

	BounceTasklet(BounceCheck check) {
		this.check = check;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var step = contribution.getStepExecution();
		String line;
		if (DigestParameters.of(step.getJobParameters()).dryRun()) {
			line = "bounces: not read in a dry run";
		}
		else {
			try {
				line = check.check().line();
			}
			catch (BounceMailboxException ex) {
				line = "bounces: WARNING " + ex.getMessage() + "; the run goes on without it";
				log.debug("the bounce mailbox could not be read", ex);
			}
			catch (RuntimeException ex) {
				if (Failures.find(ex, DataDirWriteException.class) != null) {
					throw ex;
				}
				line = "bounces: WARNING reading the bounce mailbox failed (" + Failures.oneLine(ex)
						+ "); the run goes on without it";
				log.info("reading the bounce mailbox failed", ex); // the stack for the log file only
			}
		}
		log.info(line);
		step.getExecutionContext().putString(SUMMARY, line);
		return RepeatStatus.FINISHED;
	}
}
