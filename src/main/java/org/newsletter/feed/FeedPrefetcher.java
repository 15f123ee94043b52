package org.newsletter.feed;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The fetch step's reader: fetches and parses the feeds of the list on threads of its own,
 * {@code concurrency} at a time and at most {@code ahead} feeds ahead of the step, and hands
 * them out in list order. The step writes one chunk while the next feeds are being fetched, so
 * the fetchers never wait for the database, nor for the slowest feed of a chunk. What is held
 * in memory is bounded by {@code ahead} plus a chunk. A feed that failed is handed out too,
 * and fails when the step processes it ({@link Prefetched#fetched()}), where it is skipped and
 * recorded with its reason.
 *
 * <p>The step starts over on a restart (the list is fetched again); no position is kept.
 */
public class FeedPrefetcher implements ItemStreamReader<FeedPrefetcher.Prefetched> {

	/** A feed of the list, fetched and parsed, or the reason it could not be. */
	public record Prefetched(FeedSource source, FeedFetchProcessor.Fetched result, FeedException failure) {

		/** The fetched feed; the failure when there is none. */
		public FeedFetchProcessor.Fetched fetched() throws FeedException {
			if (failure != null) {
				throw failure;
			}
			return result;
		}
	}

	private final List<FeedSource> sources;

	private final FeedFetchProcessor processor;

	private final Map<String, FeedFetcher.Validators> validators;

	private final int concurrency;

	private final int ahead;

	private final Deque<Future<Prefetched>> pending = new ArrayDeque<>();

	private ExecutorService pool;

	private int next;

	/**
	 * @param validators the validators of the feeds fetched before, by URL (conditional GET)
	 * @param concurrency how many feeds are fetched at once
	 * @param ahead how many feeds may be fetched ahead of the step; at least {@code concurrency}
	 */
	public FeedPrefetcher(List<FeedSource> sources, FeedFetchProcessor processor,
			Map<String, FeedFetcher.Validators> validators, int concurrency, int ahead) {
		this.sources = List.copyOf(sources);
		this.processor = processor;
		this.validators = Map.copyOf(validators);
		this.concurrency = concurrency;
		this.ahead = Math.max(ahead, concurrency);
	}

	@Override
	public void open(ExecutionContext executionContext) {
		var threads = new AtomicInteger();
		// a pool rather than a thread per feed: each fetcher keeps its XML parser from feed to feed
		pool = Executors.newFixedThreadPool(concurrency, task -> {
			var thread = new Thread(task, "fetch-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		next = 0;
		pending.clear();
		fill();
	}

	@Override
	public Prefetched read() throws InterruptedException {
		Future<Prefetched> head = pending.poll();
		if (head == null) {
			return null;
		}
		fill();
		try {
			return head.get();
		}
		catch (ExecutionException ex) {
			// processing turns every failure of a feed, Errors included, into a FeedException: this is a bug
			throw new IllegalStateException("fetching a feed failed: " + ex.getCause(), ex.getCause());
		}
	}

	@Override
	public void close() {
		if (pool != null) {
			pool.shutdownNow();
			pool = null;
		}
		pending.clear();
	}

	private void fill() {
		while (pending.size() < ahead && next < sources.size()) {
			FeedSource source = sources.get(next++);
			pending.add(pool.submit(() -> fetch(source)));
		}
	}

	private Prefetched fetch(FeedSource source) {
		try {
			return new Prefetched(source,
					processor.process(source, validators.getOrDefault(source.url(), FeedFetcher.Validators.NONE)), null);
		}
		catch (FeedException ex) {
			return new Prefetched(source, null, ex);
		}
	}
}
