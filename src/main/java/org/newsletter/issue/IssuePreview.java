package org.newsletter.issue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.newsletter.config.NewsletterProperties;
import org.newsletter.feed.FeedException;
import org.newsletter.feed.FeedFetchProcessor;
import org.newsletter.feed.FeedList;
import org.newsletter.feed.FeedRepository;
import org.newsletter.feed.FeedSource;
import org.newsletter.feed.FeedWriter;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The next issue as {@code run} would compose it for a cutoff, recording nothing. The feeds are
 * fetched and stored by the fetch step's own processor and writer, and the issue is drafted, in
 * one transaction that is then rolled back: the database is left as it was, so a later
 * {@code run} fetches afresh and, by the same rules (DESIGN.md §4), composes the same issue
 * (only the identity counters move on: ids of feeds and entries are not reused after a rollback).
 * Keeping the fetched entries instead would not be harmless: an undated entry would keep the
 * preview's time as its first-seen date and could miss the window of an earlier cutoff.
 */
@Component
public class IssuePreview {

	private final FeedFetchProcessor fetcher;

	private final FeedRepository feeds;

	private final IssueComposer composer;

	private final TransactionTemplate transaction;

	private final NewsletterProperties properties;

	private final Clock clock;

	public IssuePreview(FeedFetchProcessor fetcher, FeedRepository feeds, IssueComposer composer,
			PlatformTransactionManager transactionManager, NewsletterProperties properties, Clock clock) {
		this.fetcher = fetcher;
		this.feeds = feeds;
		this.composer = composer;
		this.transaction = new TransactionTemplate(transactionManager);
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * What a preview found.
	 *
	 * @param draft the issue, not stored (id 0)
	 * @param feeds how many feeds were fetched (0 without fetching)
	 * @param failures one line per feed that failed: its title, URL and reason
	 */
	public record Result(IssueComposer.Draft draft, int feeds, List<String> failures) {
	}

	/** Fetches the feeds (unless {@code !fetch}) and drafts the issue of {@code cutoff}; records nothing. */
	public Result preview(Instant cutoff, boolean fetch, boolean sendEmpty) {
		return transaction.execute(status -> {
			status.setRollbackOnly();
			List<FeedSource> sources = fetch ? FeedList.read(Path.of(properties.feeds())) : List.of();
			List<String> failures = fetchAndStore(sources, cutoff);
			return new Result(composer.draft(0, cutoff, true, sendEmpty), sources.size(), failures);
		});
	}

	/**
	 * Fetches on {@code fetch.concurrency} threads (no database writes there) and stores on this
	 * one, inside the transaction; returns the failures.
	 */
	private List<String> fetchAndStore(List<FeedSource> sources, Instant cutoff) {
		if (sources.isEmpty()) {
			return List.of();
		}
		var writer = new FeedWriter(feeds, clock, cutoff);
		List<String> failures = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(Math.min(sources.size(), properties.fetch().concurrency()));
		try {
			List<Future<FeedFetchProcessor.Fetched>> fetches = sources.stream()
				.map(source -> pool.submit(() -> fetcher.process(source)))
				.toList();
			for (int i = 0; i < sources.size(); i++) {
				try {
					writer.write(new Chunk<>(List.of(fetches.get(i).get())));
				}
				catch (ExecutionException ex) {
					if (!(ex.getCause() instanceof FeedException failure)) {
						throw new IllegalStateException("fetching " + sources.get(i).url() + " failed", ex.getCause());
					}
					FeedSource source = sources.get(i);
					failures.add((source.title().isBlank() ? source.url() : source.title() + " (" + source.url() + ")")
							+ ": " + failure.getMessage());
				}
			}
			return failures;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while fetching the feeds", ex);
		}
		finally {
			pool.shutdownNow();
		}
	}
}
