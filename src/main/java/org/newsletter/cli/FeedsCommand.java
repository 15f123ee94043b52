package org.newsletter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.newsletter.config.Failures;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.feed.FeedException;
import org.newsletter.feed.FeedFetchProcessor;
import org.newsletter.feed.FeedFetcher;
import org.newsletter.feed.FeedList;
import org.newsletter.feed.FeedRepository;
import org.newsletter.feed.FeedSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code feeds}: the feed list. */
@Command(name = "feeds", mixinStandardHelpOptions = true, header = "Works with the feed list (batch-config/feeds.opml).",
		subcommands = FeedsCommand.Check.class)
class FeedsCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

	/** {@code feeds check}: fetch every feed now, record nothing; show each feed's record of past runs. */
	@Command(name = "check", mixinStandardHelpOptions = true,
			header = "Fetches every configured feed now and prints one line per feed: ok/failed, entries, reason.",
			description = { "Under each feed, its health over past runs: failures in a row, the last error, the last success.",
					"A feed failing newsletter.fetch.disable-after runs in a row (default 10) is flagged WARNING.",
					"Nothing is recorded. Exits 1 when a feed fails now." },
			footer = { "", "Example:", "  ./newsletter feeds check" })
	static class Check implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		private final NewsletterProperties properties;

		/** The run's own fetch and parse: the same deadline, limits and failure reasons. */
		private final FeedFetchProcessor processor;

		private final FeedRepository feeds;

		Check(NewsletterProperties properties, FeedFetchProcessor processor, FeedRepository feeds) {
			this.properties = properties;
			this.processor = processor;
			this.feeds = feeds;
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			List<FeedSource> sources = FeedList.read(Path.of(properties.feeds()));
			ExecutorService pool = Executors.newFixedThreadPool(properties.fetch().concurrency());
			try {
				List<Future<String>> lines = sources.stream().map(s -> pool.submit(() -> check(s))).toList();
				int failed = 0;
				for (int i = 0; i < sources.size(); i++) {
					String text = line(sources.get(i), lines.get(i));
					failed += text.startsWith("failed") ? 1 : 0;
					out.println(text);
					health(sources.get(i)).forEach(out::println);
				}
				out.println(sources.size() - failed + "/" + sources.size() + " feeds ok");
				return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
			}
			finally {
				pool.shutdownNow();
			}
		}

		private String check(FeedSource source) {
			try {
				var feed = processor.process(source, FeedFetcher.Validators.NONE).feed();
				if (feed == null) {
					return failed(source, "HTTP 304 Not Modified to a request that asked for the whole feed");
				}
				return String.format("ok      %-40s %3d entries  %s", label(source, feed.title()), feed.entries().size(),
						source.url());
			}
			catch (FeedException ex) {
				return failed(source, ex.getMessage());
			}
		}

		/** The feed's line; whatever its check threw, a failed line with the reason, never the end of the report. */
		private String line(FeedSource source, Future<String> check) throws InterruptedException {
			try {
				return check.get();
			}
			catch (ExecutionException ex) {
				LoggerFactory.getLogger(Check.class).info("checking {} failed", source.url(), ex.getCause());
				return failed(source, "cannot be processed: " + Failures.oneLine(ex.getCause()));
			}
		}

		private static String failed(FeedSource source, String reason) {
			return String.format("failed  %-40s %s: %s", label(source, ""), source.url(), reason);
		}

		/** The feed's record over past runs, and a warning when it has failed too many in a row. */
		private List<String> health(FeedSource source) {
			int limit = properties.fetch().disableAfter();
			return feeds.find(source.url()).map(feed -> {
				String runs = "        runs: " + feed.health(properties.timeZone());
				return feed.failingFor(limit) ? List.of(runs, "        WARNING: failing for " + limit
						+ " runs or more (newsletter.fetch.disable-after); fix it or remove it from the feed list")
						: List.of(runs);
			}).orElse(List.of("        runs: not fetched by a run yet"));
		}

		private static String label(FeedSource source, String fallback) {
			return source.title().isBlank() ? fallback : source.title();
		}
	}
}
