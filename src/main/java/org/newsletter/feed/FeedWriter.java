package org.newsletter.feed;

import java.time.Clock;
import java.time.Instant;

import org.springframework.batch.core.listener.SkipListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * The fetch step's writer and skip listener: stores each fetched feed and its entries, and
 * records each failed feed with its reason.
 */
public class FeedWriter implements ItemWriter<FeedFetchProcessor.Fetched>,
		SkipListener<FeedPrefetcher.Prefetched, FeedFetchProcessor.Fetched> {

	private final FeedRepository feeds;

	private final Clock clock;

	private final Instant cutoff;

	/**
	 * @param cutoff the run's cutoff: entries first seen by a run for a past cutoff count as
	 *     seen at that cutoff, so undated entries are not pushed past the window
	 */
	public FeedWriter(FeedRepository feeds, Clock clock, Instant cutoff) {
		this.feeds = feeds;
		this.clock = clock;
		this.cutoff = cutoff;
	}

	@Override
	public void write(Chunk<? extends FeedFetchProcessor.Fetched> chunk) {
		Instant now = clock.instant();
		feeds.recordFetched(chunk.getItems(), now, now.isAfter(cutoff) ? cutoff : now);
	}

	@Override
	public void onSkipInProcess(FeedPrefetcher.Prefetched feed, Throwable failure) {
		feeds.recordFailure(feed.source(), failure.getMessage() == null ? failure.toString() : failure.getMessage(),
				clock.instant());
	}
}
