package org.newsletter.feed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test corpus of Python's Universal Feed Parser (kurtmckee/feedparser, 2,106 feeds) through
 * the fetch step's real processor, each file as a {@code file:} feed: none may hang or throw
 * anything but a {@link FeedException} with a reason. Its {@code sanitize/} cases whose
 * {@code Expect:} line compares a string we keep measure our cleaner against feedparser's: the
 * text of our cleaned value must equal the text of the expected one, both normalised by jsoup.
 * No file is treated specially.
 */
class FeedparserCorpusTests {

	private static final Path CORPUS = Path.of("src/test/resources/fixtures/feedparser");

	private static final long PER_FILE_SECONDS = 10;

	/** {@code Expect: not bozo and <field> == <Python string expression>}. */
	private static final Pattern COMPARISON = Pattern.compile(
			"^Expect:\\s*(?:not bozo and\\s+)?(entries\\[0\\]\\['(?:description|summary|title)'\\]"
					+ "|entries\\[0\\]\\['content'\\]\\[0\\]\\['value'\\]|feed\\['\\w+'\\])\\s*==\\s*(.+?)\\s*$",
			Pattern.MULTILINE);

	private static final Map<Path, Outcome> outcomes = new TreeMap<>();

	private static ExecutorService pool;

	/** What became of one file: the feed, or the reason it was refused, or what went wrong. */
	record Outcome(ParsedFeed feed, String reason, String problem) {
	}

	@BeforeAll
	static void processEveryFile() throws IOException {
		pool = Executors.newCachedThreadPool(runnable -> {
			var thread = new Thread(runnable, "corpus");
			thread.setDaemon(true);
			return thread;
		});
		FeedFetchProcessor processor = FeedTestSupport.processor(Map.of());
		long start = System.nanoTime();
		try (Stream<Path> files = Files.walk(CORPUS)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
				outcomes.put(CORPUS.relativize(file), process(processor, file));
			}
		}
		System.out.printf("feedparser corpus: %d files through the fetch step's processor in %.1f s%n", outcomes.size(),
				(System.nanoTime() - start) / 1e9);
	}

	@AfterAll
	static void stop() {
		pool.shutdownNow();
	}

	@Test
	void everyFileIsParsedOrReportedWithAReasonAndNoneHangsOrThrows() {
		Map<String, Integer> reasons = new TreeMap<>();
		int parsed = 0;
		List<String> problems = new ArrayList<>();
		for (var outcome : outcomes.entrySet()) {
			Outcome result = outcome.getValue();
			if (result.problem() != null) {
				problems.add(outcome.getKey() + ": " + result.problem());
			}
			else if (result.feed() != null) {
				parsed++;
			}
			else {
				reasons.merge(result.reason().replaceAll("[:(;].*", "").strip(), 1, Integer::sum);
			}
		}
		System.out.printf("feedparser corpus: %d parsed, %d reported with a reason %s%n", parsed,
				outcomes.size() - parsed - problems.size(), reasons);

		assertThat(outcomes).hasSize(2106);
		assertThat(problems).as("files that hung or threw something else than a FeedException").isEmpty();
		assertThat(outcomes.values()).allSatisfy(result -> {
			if (result.feed() == null) {
				assertThat(result.reason()).isNotBlank().doesNotContain("\n");
			}
		});
	}

	@Test
	void ourCleanedTextAgreesWithFeedparsersOnAtLeast95PercentOfTheSanitizeCases() throws IOException {
		int compared = 0;
		int agreed = 0;
		int sameMarkup = 0;
		Map<String, Integer> notKept = new TreeMap<>();
		List<String> disagreements = new ArrayList<>();
		for (var outcome : outcomes.entrySet()) {
			if (!outcome.getKey().startsWith("wellformed/sanitize")) {
				continue;
			}
			Matcher expect = COMPARISON.matcher(Files.readString(CORPUS.resolve(outcome.getKey()), StandardCharsets.ISO_8859_1));
			if (!expect.find()) {
				continue;
			}
			String field = expect.group(1);
			String expected = PythonString.parse(expect.group(2));
			Kept ours = kept(field, outcome.getValue().feed());
			if (ours == Kept.NOT_KEPT) {
				notKept.merge(field, 1, Integer::sum);
				continue;
			}
			compared++;
			String expectedText = text(expected);
			String ourText = ours.value() == null ? null : ours.html() ? text(ours.value()) : ours.value().strip();
			if (expectedText.equals(ourText)) {
				agreed++;
			}
			else {
				disagreements.add(outcome.getKey() + "\n      expected: " + expectedText + "\n      ours:     " + ourText);
			}
			if (ours.html() && ours.value() != null && markup(expected).equals(markup(ours.value()))) {
				sameMarkup++;
			}
		}
		System.out.printf("feedparser sanitize cases: cleaned text agrees in %d of %d (%.1f %%); identical markup in %d;"
				+ " not compared (fields we do not keep): %s%n", agreed, compared, 100.0 * agreed / compared, sameMarkup,
				notKept);
		disagreements.forEach(d -> System.out.println("  differs: " + d));

		assertThat(compared).isGreaterThan(500);
		assertThat(agreed * 100).as("agreement with feedparser's sanitizer").isGreaterThanOrEqualTo(95 * compared);
	}

	/** The value of ours that feedparser's {@code field} stands for, and whether it is HTML. */
	record Kept(String value, boolean html) {

		static final Kept NOT_KEPT = new Kept(null, false);
	}

	private static Kept kept(String field, ParsedFeed feed) {
		boolean entryField = field.startsWith("entries");
		if (field.equals("feed['title']")) {
			return new Kept(feed == null ? null : feed.title(), false);
		}
		if (!entryField) {
			return Kept.NOT_KEPT;
		}
		ParsedFeed.Entry entry = feed == null || feed.entries().isEmpty() ? null : feed.entries().get(0);
		if (field.endsWith("['title']")) {
			return new Kept(entry == null ? null : entry.title(), false);
		}
		return new Kept(entry == null ? null : entry.contentHtml(), true);
	}

	private static String text(String html) {
		return Jsoup.parseBodyFragment(html).body().text();
	}

	private static String markup(String html) {
		Document document = Jsoup.parseBodyFragment(html);
		document.outputSettings().prettyPrint(false);
		return document.body().html().strip();
	}

	private static Outcome process(FeedFetchProcessor processor, Path file) {
		var source = new FeedSource(file.toAbsolutePath().toUri().toString(), "");
		Future<FeedFetchProcessor.Fetched> result = pool.submit(() -> processor.process(source));
		try {
			return new Outcome(result.get(PER_FILE_SECONDS, TimeUnit.SECONDS).feed(), null, null);
		}
		catch (TimeoutException ex) {
			result.cancel(true);
			return new Outcome(null, null, "still running after " + PER_FILE_SECONDS + " s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Outcome(null, null, "interrupted");
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return ex.getCause() instanceof FeedException failure ? new Outcome(null, failure.getMessage(), null)
					: new Outcome(null, null, "threw " + ex.getCause());
		}
	}

	/** Reads the Python string expressions of feedparser's {@code Expect:} lines: literals joined by {@code +}. */
	static final class PythonString {

		private PythonString() {
		}

		static String parse(String expression) {
			var out = new StringBuilder();
			int i = 0;
			while (i < expression.length()) {
				char c = expression.charAt(i);
				if (Character.isWhitespace(c) || c == '+') {
					i++;
				}
				else if (c == 'u' || c == 'U') {
					i++;
				}
				else if (c == '\'' || c == '"') {
					i = literal(expression, i, out);
				}
				else {
					throw new IllegalArgumentException("not a string expression: " + expression);
				}
			}
			return out.toString();
		}

		private static int literal(String s, int start, StringBuilder out) {
			String quote = s.startsWith(String.valueOf(s.charAt(start)).repeat(3), start)
					? String.valueOf(s.charAt(start)).repeat(3) : String.valueOf(s.charAt(start));
			int i = start + quote.length();
			while (!s.startsWith(quote, i)) {
				char c = s.charAt(i);
				if (c != '\\') {
					out.append(c);
					i++;
					continue;
				}
				char next = s.charAt(i + 1);
				i += 2;
				switch (next) {
					case 'n' -> out.append('\n');
					case 't' -> out.append('\t');
					case 'r' -> out.append('\r');
					case 'x' -> {
						out.append((char) Integer.parseInt(s.substring(i, i + 2), 16));
						i += 2;
					}
					case 'u' -> {
						out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
						i += 4;
					}
					default -> out.append(next);
				}
			}
			return i + quote.length();
		}
	}
}
