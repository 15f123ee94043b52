package org.newsletter.feed;

import java.util.Optional;

import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.stereotype.Component;

/**
 * Fetches and parses one feed of the list within one deadline: for the fetch step on its
 * reader's fetch threads ({@link FeedPrefetcher}, which hands the result or the failure to the
 * step), for {@code feeds check} and for {@code preview}. Runs on several threads at once. Every
 * failure, expected or not, leaves as a {@link FeedException} with its reason, which the fetch
 * step skips and records. (An {@code ItemProcessor} by its type, no step uses it as one: the
 * fetch step's processor is {@link FeedPrefetcher.Prefetched#fetched()}.)
 */
@Component
public class FeedFetchProcessor implements ItemProcessor<FeedSource, FeedFetchProcessor.Fetched> {

	private final FeedFetcher fetcher;

	private final FeedParser parser;

	private final FeedRepository feeds;

	public FeedFetchProcessor(FeedFetcher fetcher, FeedParser parser, FeedRepository feeds) {
		this.fetcher = fetcher;
		this.parser = parser;
		this.feeds = feeds;
	}

	/**
	 * A fetched feed, without the bytes the server sent: a chunk of feeds waiting for its
	 * write holds only what is stored.
	 *
	 * @param validators the response's validators, for the next run's conditional GET
	 * @param feed the parsed feed; null when the server answered 304 Not Modified
	 */
	public record Fetched(FeedSource source, FeedFetcher.Validators validators, ParsedFeed feed) {

		public boolean notModified() {
			return feed == null;
		}
	}

	@Override
	public Fetched process(FeedSource source) throws FeedException {
		return process(source, feeds.find(source.url())
			.filter(f -> f.lastSuccessAt() != null)
			.map(FeedRepository.FeedRecord::validators)
			.orElse(FeedFetcher.Validators.NONE));
	}

	/**
	 * Fetches and parses {@code source} within one timeout, asking for it only if changed since
	 * {@code validators}.
	 */
	public Fetched process(FeedSource source, FeedFetcher.Validators validators) throws FeedException {
		Deadline deadline = fetcher.deadline();
		try {
			Optional<FeedFetcher.Body> body = fetcher.fetch(source.url(), validators, deadline);
			if (body.isEmpty()) {
				return new Fetched(source, validators, null);
			}
			return new Fetched(source, new FeedFetcher.Validators(body.get().etag(), body.get().lastModified()),
					parser.parse(body.get(), deadline));
		}
		catch (FeedException ex) {
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			// A feed's bytes are untrusted: whatever they make the libraries throw, a stack overflow
			// or an exhausted heap included (what one parse held is garbage once it is abandoned),
			// is that feed's failure, and the other feeds go on.
			throw new FeedException("cannot be processed: " + FeedFetcher.describe(ex), ex);
		}
	}
}
