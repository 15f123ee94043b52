package org.newsletter.job;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.feed.FeedFetchProcessor;
import org.newsletter.feed.FeedFetcher;
import org.newsletter.feed.FeedRepository;
import org.newsletter.feed.FeedSource;
import org.newsletter.feed.ParsedFeed;
import org.newsletter.issue.Eligibility;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The compose step's choice of entries (DESIGN.md §4), made by its SQL on the real database: after
 * an issue sent with cutoff P, the issue with cutoff C carries the entries published in
 * {@code (P - lateness, C]} (an undated one counting as published when first seen, except a
 * feed's back catalogue), none that an earlier issue carried, each once however often edited.
 */
@DigestJobTest
class ComposeStepTests {

	private static final Instant PREVIOUS_CUTOFF = Instant.parse("2026-03-21T00:00:00Z");

	private static final Instant CUTOFF = Instant.parse("2026-03-24T08:00:00Z");

	/** The previous cutoff less the default lateness, P3D: the window's open start. */
	private static final Instant WINDOW_START = Instant.parse("2026-03-18T00:00:00Z");

	private static final FeedSource ALPHA = new FeedSource("https://alpha.example/feed.xml", "Alpha");

	private static final FeedSource BETA = new FeedSource("https://beta.example/feed.xml", "beta");

	@Autowired
	private JobOperatorTestUtils jobOperatorTestUtils;

	@Autowired
	private DigestJobTestBed bed;

	@Autowired
	private FeedRepository feeds;

	@Autowired
	private IssueRepository issues;

	@Autowired
	private Eligibility eligibility;

	@BeforeEach
	void startAfresh() {
		bed.reset();
	}

	@Test
	void theIssueCarriesLateUndatedAndEditedEntriesOnceAndLeavesOutBackDatedOnes() {
		// given: Alpha's first fetch, an issue sent with cutoff P carrying what it found, then later fetches
		fetched(ALPHA, "2026-03-20T12:00:00Z", entry("a0", "Alpha's back catalogue", null),
				entry("a1", "Sent last week", "2026-03-19T10:00:00Z"));
		Issue previous = composed(PREVIOUS_CUTOFF);
		assertThat(titles(previous)).containsExactly("Sent last week");
		issues.markSent(previous.id(), PREVIOUS_CUTOFF);
		fetched(ALPHA, "2026-03-23T09:00:00Z", entry("a1", "Sent last week, edited", "2026-03-19T10:00:00Z"),
				entry("a2", "Late: published before P, first seen after it", "2026-03-20T18:00:00Z"),
				entry("a3", "Back-dated beyond the lateness", "2026-03-17T23:59:59Z"),
				entry("a4", "At the window's start", WINDOW_START.toString()),
				entry("a5", "Undated", null),
				entry("a6", "At the cutoff", CUTOFF.toString()),
				entry("a7", "Future-dated", "2026-03-25T00:00:00Z"),
				entry("a8", "First title", "2026-03-22T00:00:00Z"));
		fetched(BETA, "2026-03-23T09:00:00Z", entry("b0", "Beta's back catalogue", null),
				entry("b1", "Beta news", "2026-03-23T08:00:00Z"));
		fetched(ALPHA, "2026-03-24T07:00:00Z", entry("a8", "Second title", "2026-03-22T00:00:00Z"));

		// when
		JobExecution execution = jobOperatorTestUtils.startStep(WeeklyDigestJobConfig.COMPOSE_STEP,
				DigestJobTestBed.run(CUTOFF.toString()), null);

		// then
		StepExecution compose = execution.getStepExecutions().iterator().next();
		assertThat(compose.getExitStatus().getExitCode()).isEqualTo(ExitStatus.COMPLETED.getExitCode());
		assertThat(compose.getExecutionContext().getInt(RunReport.ELIGIBLE)).isEqualTo(5);
		Issue issue = issues.findByJobInstance(execution.getJobInstance().getInstanceId()).orElseThrow();
		assertThat(issue.windowStart()).isEqualTo(WINDOW_START);
		assertThat(eligibility.carriedBy(issue.id())).extracting(Eligibility.Candidate::title, Eligibility.Candidate::published)
			.containsExactlyInAnyOrder(tuple("Late: published before P, first seen after it", Instant.parse("2026-03-20T18:00:00Z")),
					tuple("Undated", Instant.parse("2026-03-23T09:00:00Z")), // when first seen
					tuple("At the cutoff", CUTOFF),
					tuple("Second title", Instant.parse("2026-03-22T00:00:00Z")),
					tuple("Beta news", Instant.parse("2026-03-23T08:00:00Z")));
	}

	@Test
	void withNoEligibleEntryTheStepEndsWithNothingToSendAndStoresNoIssue() {
		// given: only a back catalogue and an entry older than the first run's look-back (P7D)
		fetched(ALPHA, "2026-03-23T09:00:00Z", entry("a0", "Alpha's back catalogue", null),
				entry("a1", "Old", "2026-03-17T08:00:00Z"));

		// when
		JobExecution execution = jobOperatorTestUtils.startStep(WeeklyDigestJobConfig.COMPOSE_STEP,
				DigestJobTestBed.run(CUTOFF.toString()), null);

		// then
		StepExecution compose = execution.getStepExecutions().iterator().next();
		assertThat(compose.getExitStatus().getExitCode()).isEqualTo(WeeklyDigestJobConfig.NOTHING_TO_SEND);
		assertThat(compose.getExecutionContext().getInt(RunReport.ELIGIBLE)).isZero();
		assertThat(issues.findByJobInstance(execution.getJobInstance().getInstanceId())).isEmpty();
	}

	/** Returns no {@code JobExecution}: see {@link DigestJobTestBed#step}. */
	private Issue composed(Instant cutoff) {
		var execution = jobOperatorTestUtils.startStep(WeeklyDigestJobConfig.COMPOSE_STEP,
				DigestJobTestBed.run(cutoff.toString()), null);
		return issues.findByJobInstance(execution.getJobInstance().getInstanceId()).orElseThrow();
	}

	private List<String> titles(Issue issue) {
		return eligibility.carriedBy(issue.id()).stream().map(Eligibility.Candidate::title).toList();
	}

	/** A fetch of {@code source} at {@code at} that found these entries, stored as the fetch step stores it. */
	private void fetched(FeedSource source, String at, ParsedFeed.Entry... entries) {
		var feed = new ParsedFeed(source.title(), "https://" + source.title().toLowerCase() + ".example/",
				Arrays.asList(entries));
		feeds.recordFetched(List.of(new FeedFetchProcessor.Fetched(source, FeedFetcher.Validators.NONE, feed)),
				Instant.parse(at), Instant.parse(at));
	}

	private static ParsedFeed.Entry entry(String guid, String title, String published) {
		return new ParsedFeed.Entry(guid, title, "https://example.org/" + guid, null,
				published == null ? null : Instant.parse(published), "<p>" + title + "</p>", title);
	}
}
