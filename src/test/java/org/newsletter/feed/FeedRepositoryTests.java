package org.newsletter.feed;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A feed's health record as runs fail and succeed. */
class FeedRepositoryTests {

	private static final Instant MONDAY = Instant.parse("2026-03-16T08:00:00Z");

	private final FeedRepository feeds = FeedTestSupport.repository();

	private final FeedSource source = new FeedSource("https://blog.example/feed.xml", "Blog");

	@Test
	void aFeedNeverFetchedByARunHasNoRecord() {
		assertThat(feeds.find(source.url())).isEmpty();
	}

	@Test
	void failuresCountUpInARowWithTheLastErrorAndASuccessResetsThem() {
		feeds.recordFailure(source, "HTTP 500", MONDAY);
		feeds.recordFailure(source, "timed out after 20 s", MONDAY.plusSeconds(86400));

		var failing = feeds.find(source.url()).orElseThrow();
		assertThat(failing.consecutiveFailures()).isEqualTo(2);
		assertThat(failing.failingFor(2)).isTrue();
		assertThat(failing.failingFor(3)).isFalse();
		assertThat(failing.health(ZoneOffset.UTC))
			.isEqualTo("failed 2 runs in a row, last success never; last error: timed out after 20 s");

		feeds.recordFetched(List.of(new FeedFetchProcessor.Fetched(source, FeedFetcher.Validators.NONE,
				new ParsedFeed("Blog", null, List.of()))), MONDAY.plusSeconds(2 * 86400), MONDAY);
		feeds.recordFailure(source, "HTTP 404", MONDAY.plusSeconds(3 * 86400));

		var again = feeds.find(source.url()).orElseThrow();
		assertThat(again.health(ZoneOffset.UTC))
			.isEqualTo("failed 1 run in a row, last success 2026-03-18 08:00 Z; last error: HTTP 404");
	}

	@Test
	void aHealthyFeedSaysWhenItLastSucceeded() {
		feeds.recordFetched(List.of(new FeedFetchProcessor.Fetched(source, FeedFetcher.Validators.NONE, null)), MONDAY,
				MONDAY);

		assertThat(feeds.find(source.url()).orElseThrow().health(ZoneOffset.UTC))
			.isEqualTo("ok, last success 2026-03-16 08:00 Z");
	}
}
