package org.newsletter.job;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.feed.FeedRepository;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The fetch step (DESIGN.md §1): a feed that fails is recorded with its reason and skipped; the others are stored. */
@DigestJobTest
class FetchStepTests {

	@Autowired
	private JobOperatorTestUtils jobOperatorTestUtils;

	@Autowired
	private DigestJobTestBed bed;

	@Autowired
	private FeedRepository feeds;

	@Autowired
	private JdbcClient jdbc;

	@BeforeEach
	void startAfresh() {
		bed.reset();
	}

	@Test
	void aFeedThatFailsIsSkippedAndCountedAndTheOthersAreStored() {
		// given
		String missing = bed.feed("gone.xml");
		bed.feedList(bed.feed("real-python.xml"), missing, bed.feed("seth-michael-larson.xml"));

		// when
		JobExecution execution = jobOperatorTestUtils.startStep(WeeklyDigestJobConfig.FETCH_STEP,
				DigestJobTestBed.run("2026-03-21T00:00:00Z"), null);

		// then
		StepExecution fetch = execution.getStepExecutions().iterator().next();
		assertThat(fetch.getExitStatus().getExitCode()).isEqualTo(ExitStatus.COMPLETED.getExitCode());
		assertThat(fetch.getReadCount()).as("feeds read").isEqualTo(3);
		assertThat(fetch.getWriteCount()).as("feeds stored").isEqualTo(2);
		assertThat(fetch.getProcessSkipCount()).as("feeds skipped").isEqualTo(1);
		assertThat(fetch.getSkipCount()).isEqualTo(1);
		var failed = feeds.find(missing).orElseThrow();
		assertThat(failed.lastStatus()).isEqualTo("failed");
		assertThat(failed.lastError()).contains("404");
		assertThat(failed.consecutiveFailures()).isEqualTo(1);
		assertThat(feeds.find(bed.feed("real-python.xml")).orElseThrow().lastStatus()).isEqualTo("ok");
		assertThat(feeds.find(bed.feed("seth-michael-larson.xml")).orElseThrow().lastStatus()).isEqualTo("ok");
		assertThat(entriesOf(bed.feed("real-python.xml"))).isEqualTo(10);
		assertThat(entriesOf(bed.feed("seth-michael-larson.xml"))).isEqualTo(3);
	}

	private int entriesOf(String feedUrl) {
		return jdbc.sql("SELECT COUNT(*) FROM entry e JOIN feed f ON f.id = e.feed_id WHERE f.url = ?")
			.param(feedUrl)
			.query(Integer.class)
			.single();
	}
}
