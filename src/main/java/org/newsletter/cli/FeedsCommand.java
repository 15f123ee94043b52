package org.newsletter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.newsletter.config.NewsletterProperties;
import org.newsletter.feed.FeedException;
import org.newsletter.feed.FeedFetcher;
import org.newsletter.feed.FeedList;
import org.newsletter.feed.FeedParser;
import org.newsletter.feed.FeedSource;
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

	/** {@code feeds check}: fetch every feed now, record nothing. */
	@Command(name = "check", mixinStandardHelpOptions = true,
			header = "Fetches every configured feed now and prints one line per feed: ok/failed, entries, reason.",
			description = "Nothing is recorded. Exits 1 when a feed fails.",
			footer = { "", "Example:", "  ./newsletter feeds check" })
	static class Check implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		private final NewsletterProperties properties;

		private final FeedFetcher fetcher;

		private final FeedParser parser;

		Check(NewsletterProperties properties, FeedFetcher fetcher, FeedParser parser) {
			this.properties = properties;
			this.fetcher = fetcher;
			this.parser = parser;
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			List<FeedSource> sources = FeedList.read(Path.of(properties.feeds()));
			ExecutorService pool = Executors.newFixedThreadPool(properties.fetch().concurrency());
			try {
				List<Future<String>> lines = sources.stream().map(s -> pool.submit(() -> check(s))).toList();
				int failed = 0;
				for (Future<String> line : lines) {
					String text = line.get();
					failed += text.startsWith("failed") ? 1 : 0;
					out.println(text);
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
				var body = fetcher.fetch(source.url(), FeedFetcher.Validators.NONE).orElseThrow();
				var feed = parser.parse(body);
				return String.format("ok      %-40s %3d entries  %s", label(source, feed.title()), feed.entries().size(),
						source.url());
			}
			catch (FeedException ex) {
				return String.format("failed  %-40s %s: %s", label(source, ""), source.url(), ex.getMessage());
			}
			catch (RuntimeException ex) {
				return String.format("failed  %-40s %s: %s", label(source, ""), source.url(), org.newsletter.Failures.oneLine(ex));
			}
		}

		private static String label(FeedSource source, String fallback) {
			return source.title().isBlank() ? fallback : source.title();
		}
	}
}
