package org.newsletter.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueArchive;
import org.newsletter.issue.IssueRepository;
import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The finish step (DESIGN.md §1, §5): once everyone has had the issue it is marked sent, which
 * moves the next issue's window, and written to the archive; a dry run does neither. The step
 * finishes the issue of its own job execution, so the job runs whole, fed by a served feed.
 */
@DigestJobTest
class FinishStepTests {

	private static final String CUTOFF = "2026-03-21T00:00:00Z";

	@Autowired
	private JobOperatorTestUtils jobOperatorTestUtils;

	@Autowired
	private DigestJobTestBed bed;

	@Autowired
	private IssueRepository issues;

	@Autowired
	private IssueArchive archive;

	@BeforeEach
	void startAfresh(@Autowired SubscriberRepository subscribers) {
		bed.reset();
		bed.feedList(bed.feed("real-python.xml"));
		subscribers.subscribe("finish@example.org", "Fin", Instant.parse(CUTOFF).minusSeconds(86400));
	}

	@Test
	void theSentIssueIsMarkedSentAndArchived() throws Exception {
		// when
		JobExecution execution = jobOperatorTestUtils.startJob(DigestJobTestBed.run(CUTOFF));

		// then
		Issue issue = finishedIssue(execution);
		assertThat(issue.status()).isEqualTo("SENT");
		assertThat(issues.findSent()).extracting(IssueRepository.SentIssue::id).containsExactly(issue.id());
		Path page = archive.page(issue);
		assertThat(execution.getExecutionContext().getString(WeeklyDigestJobConfig.ARCHIVE)).isEqualTo(page.toString());
		assertThat(page).isRegularFile();
		assertThat(Files.readString(page)).contains("<title>Planet Python Weekly #1</title>");
		assertThat(page.resolveSibling("../index.html").normalize()).isRegularFile();
	}

	@Test
	void aDryRunIsNeitherMarkedSentNorArchived() throws Exception {
		// when
		JobExecution execution = jobOperatorTestUtils.startJob(DigestJobTestBed.dryRun(CUTOFF));

		// then
		Issue issue = finishedIssue(execution);
		assertThat(issue.status()).isEqualTo("COMPOSED");
		assertThat(issues.findSent()).isEmpty();
		assertThat(execution.getExecutionContext().containsKey(WeeklyDigestJobConfig.ARCHIVE)).isFalse();
		assertThat(archive.page(issue)).doesNotExist();
	}

	/** The issue of a job that completed, its finish step included. */
	private Issue finishedIssue(JobExecution execution) {
		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		StepExecution finish = DigestJobTestBed.step(execution, WeeklyDigestJobConfig.FINISH_STEP);
		assertThat(finish.getExitStatus().getExitCode()).isEqualTo(ExitStatus.COMPLETED.getExitCode());
		return issues.findByJobInstance(execution.getJobInstance().getInstanceId()).orElseThrow();
	}
}
