package org.newsletter.subscriber;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.ExecutionContextPromotionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The subscriber-import job: a chunk step reads the CSV file and checks each line on a thread of
 * its own ({@link CheckedLinesReader}, up to two chunks ahead) and merges the lines a chunk at a
 * time (restartable: a killed import run again goes on after the last committed chunk), then a
 * tasklet applies {@code --replace} and puts the counts in the job's context. {@code --replace}
 * unsubscribes nobody when a line's address could not be read: that line may name anyone.
 */
@Configuration(proxyBeanMethods = false)
class CsvImportJobConfig {

	static final String JOB_NAME = "subscriber-import";

	static final String LINES_STEP = "import-lines";

	static final String FINISH_STEP = "import-finish";

	static final String FILE = "file";

	static final String ENCODING = "encoding";

	static final String DRY_RUN = "dryRun";

	static final String REPLACE = "replace";

	static final String RESUBSCRIBE = "resubscribe";

	static final String FORGET = "forget";

	static final String UNSUBSCRIBED = "unsubscribedByReplace";

	static final String UNREAD_LINES = "unreadLines";

	static final String FIRST_UNREAD_LINE = "firstUnreadLine";

	/**
	 * Lines per chunk (one transaction, one commit forced to disk, one update of the job
	 * repository): a fifth of the commits of the former 1,000; a chunk's lines are a few MB.
	 */
	private static final int CHUNK = 5000;

	@Bean
	Job subscriberImportJob(JobRepository jobRepository, Step importLinesStep, Step importFinishStep) {
		return new JobBuilder(JOB_NAME, jobRepository).start(importLinesStep).next(importFinishStep).build();
	}

	@Bean
	Step importLinesStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			CheckedLinesReader checkedLinesReader, ImportLineWriter importLineWriter, ImportProgress progress) {
		return new StepBuilder(LINES_STEP, jobRepository).<ImportLine, ImportLine>chunk(CHUNK)
			.transactionManager(transactionManager)
			.reader(checkedLinesReader)
			.writer(importLineWriter)
			.listener(progress)
			.listener(mergedCounts())
			.build();
	}

	/** The writer's counts of merged lines, from the lines step into the job's context for the report. */
	private static ExecutionContextPromotionListener mergedCounts() {
		var listener = new ExecutionContextPromotionListener();
		listener.setKeys(ImportLineWriter.MERGED.toArray(String[]::new));
		return listener;
	}

	@Bean
	@StepScope
	CheckedLinesReader checkedLinesReader(@Value("#{jobParameters['" + FILE + "']}") String file,
			@Value("#{jobParameters['" + ENCODING + "']}") String encoding) {
		return new CheckedLinesReader(new CsvRowReader(Path.of(file), Charset.forName(encoding)),
				new ImportLineProcessor(), 2 * CHUNK);
	}

	@Bean
	@StepScope
	ImportLineWriter importLineWriter(@Value("#{stepExecution}") StepExecution step, SubscriberRepository subscribers,
			ImportLineRepository lines, Clock clock, ForgottenAddresses forgotten, AttributeNames attributeNames) {
		JobParameters parameters = step.getJobParameters();
		return new ImportLineWriter(subscribers, lines, clock, importId(step), flag(parameters, DRY_RUN),
				flag(parameters, RESUBSCRIBE), forgotten, flag(parameters, FORGET), attributeNames);
	}

	@Bean
	Step importFinishStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			SubscriberRepository subscribers, ImportLineRepository lines, Clock clock) {
		return new StepBuilder(FINISH_STEP, jobRepository).tasklet((contribution, chunkContext) -> {
			StepExecution step = contribution.getStepExecution();
			JobParameters parameters = step.getJobParameters();
			var unread = flag(parameters, REPLACE) ? lines.unread(importId(step)) : null;
			if (unread != null && unread.lines() > 0) {
				step.getJobExecution().getExecutionContext().putLong(UNREAD_LINES, unread.lines());
				step.getJobExecution().getExecutionContext().putLong(FIRST_UNREAD_LINE, unread.first());
			}
			else if (flag(parameters, REPLACE)) {
				int absent = subscribers.unsubscribeAbsent(importId(step), !flag(parameters, DRY_RUN), clock.instant());
				step.getJobExecution().getExecutionContext().putInt(UNSUBSCRIBED, absent);
			}
			return RepeatStatus.FINISHED;
		}, transactionManager).build();
	}

	static long importId(StepExecution step) {
		return step.getJobExecution().getJobInstance().getInstanceId();
	}

	static boolean flag(JobParameters parameters, String name) {
		return Boolean.parseBoolean(parameters.getString(name));
	}
}
