package org.newsletter.feed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The readable text made once at ingest, and the summaries cut from it. */
class EntryTextTests {

	private static final Path FEEDS = Path.of("src/test/resources/fixtures/planet");

	/** The summary as first written: split on white space, keep {@code words}, mark the cut. */
	private static String splitAndJoin(String text, int words) {
		String[] all = text.isEmpty() ? new String[0] : text.split("\\s+");
		if (all.length <= words) {
			return text;
		}
		String kept = String.join(" ", Arrays.copyOf(all, words));
		return kept.isEmpty() ? kept : kept.replaceAll("[\\p{Punct}\\s&&[^)\\]\"'”’]]+$", "") + "…";
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7, 60, 1000 })
	void shorteningCutsWhereSplittingOnWhiteSpaceWould(int words) {
		var random = new Random(words);
		String[] pieces = { "word", "x", "end.", "(aside)", "“quoted”", "a,", "—", "1.5", "\u00a0nbsp", "é" };
		String[] spaces = { " ", "  ", "\t", "\n", " \r\n " };
		for (int sample = 0; sample < 300; sample++) {
			var text = new StringBuilder();
			int length = random.nextInt(2 * words + 3);
			for (int i = 0; i < length; i++) {
				text.append(i == 0 ? "" : spaces[random.nextInt(spaces.length)]).append(pieces[random.nextInt(pieces.length)]);
			}
			String stripped = text.toString().strip();

			assertThat(EntryText.shorten(stripped, words)).as(stripped).isEqualTo(splitAndJoin(stripped, words));
		}
	}

	@Test
	void theTextLeavesOutCodeTablesFiguresAndPlatformLinesAndEndsAtTheExcerptMark() {
		String html = """
				<p>Use it like this:</p><pre>code()</pre><table><tr><td>cell</td></tr></table>
				<figure><img src="x.png"><figcaption>caption</figcaption></figure><p>Done, and more [&hellip;]</p>
				<p>The post Use it appeared first on Blog.</p>""";

		assertThat(EntryText.of(Jsoup.parseBodyFragment(html))).isEqualTo("Use it like this: Done, and more…");
	}

	@Test
	void aLongTextIsKeptToItsFirstWords() {
		String html = "<p>" + "word, ".repeat(3 * EntryText.MAX_WORDS) + "</p>";

		String text = EntryText.of(Jsoup.parseBodyFragment(html));

		assertThat(text.split(" ")).hasSize(EntryText.MAX_WORDS);
		assertThat(text).endsWith("word…");
		assertThat(EntryText.shorten(text, 60))
			.isEqualTo(EntryText.shorten("word, ".repeat(3 * EntryText.MAX_WORDS).strip(), 60));
	}

	@Test
	void veryLongWordsAreKeptToABoundedLengthCutAtASpace() {
		String word = "https://example.org/" + "x".repeat(200);
		String html = "<p>" + (word + " ").repeat(EntryText.MAX_WORDS) + "</p>";

		String text = EntryText.of(Jsoup.parseBodyFragment(html));

		assertThat(text.length()).isLessThanOrEqualTo(EntryText.MAX_LENGTH);
		assertThat(text).endsWith(word + "…");
		assertThat(EntryText.of(Jsoup.parseBodyFragment("<p>" + "y".repeat(2 * EntryText.MAX_LENGTH) + "</p>")))
			.hasSize(EntryText.MAX_LENGTH).endsWith("y…");
	}

	/** What is stored at ingest gives every Planet entry the summary its whole HTML gives. */
	@ParameterizedTest
	@ValueSource(ints = { 5, 60, 400 })
	void theTextKeptAtIngestSummarisesAsTheStoredHtmlDoes(int words) throws IOException, FeedException {
		List<ParsedFeed.Entry> entries = new ArrayList<>();
		try (Stream<Path> files = Files.walk(FEEDS)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
				byte[] bytes = Files.readAllBytes(file);
				entries.addAll(new FeedParser(FeedTestSupport.properties(java.util.Map.of())).parse(new FeedFetcher.Body(file.toUri().toString(), bytes, null, null, null))
					.entries());
			}
		}
		assertThat(entries).hasSizeGreaterThan(40);
		for (ParsedFeed.Entry entry : entries) {
			String fromHtml = EntryText.shorten(EntryText.of(Jsoup.parseBodyFragment(entry.contentHtml())), words);
			assertThat(EntryText.shorten(entry.text(), words)).as(entry.link()).isEqualTo(fromHtml);
		}
	}

	@Test
	void aSummaryDropsALeadThatRepeatsTheTitleAndEndsAtASentence() throws IOException, FeedException {
		ParsedFeed.Entry entry = entry("march-24/feeds/antonio-cuni.xml", "My first OSS commit turns 20 today");

		assertThat(entry.text()).startsWith("My first OSS commit turns 20 today Some time ago");
		assertThat(EntryText.summary(entry.text(), entry.title(), 40))
			.isEqualTo("Some time ago I realized that it was 20 years since I started to contribute toOpen Source. "
					+ "It's easy to remember, because I started to work on PyPy as part of mymaster's thesis and I "
					+ "graduated in 2006.");
	}

	@Test
	void aTitleRepeatedWithAnEmojiInItIsStillDropped() throws IOException, FeedException {
		ParsedFeed.Entry entry = entry("march-24/feeds/antonio-cuni.xml", "Inside SPy, part 1: Motivations and Goals");

		assertThat(EntryText.summary(entry.text(), entry.title(), 40)).startsWith("This is the first of a series of posts");
	}

	@Test
	void aSummaryEndsAtTheLastSentenceThatEndsWithinTheWords() throws IOException, FeedException {
		ParsedFeed.Entry entry = entry("march-24/feeds/james-bennett.xml", "Rewriting a 20-year-old Python library");

		assertThat(EntryText.shorten(entry.text(), 40)).endsWith("I was one of those people…");
		assertThat(EntryText.summary(entry.text(), entry.title(), 40)).startsWith("Way back in 2005")
			.endsWith("rather than using third-party short-form social media sites.");
	}

	@Test
	void withoutASentenceEndWithinTheWordsTheSummaryIsCutAtAWord() {
		String text = "one two three four five six seven. Eight nine ten eleven twelve thirteen fourteen";

		assertThat(EntryText.summary(text, "A title of some length", 10)).isEqualTo("one two three four five six seven.");
		// a sentence of under a quarter of the words is too little: cut at a word instead
		assertThat(EntryText.summary("Hi all! " + text, "A title of some length", 36)).isEqualTo("Hi all! " + text);
		assertThat(EntryText.summary("Hi all! " + text, "A title of some length", 12))
			.isEqualTo("Hi all! one two three four five six seven.");
		assertThat(EntryText.summary("Hi all! a b c d e f g h i j k l m n", "A title of some length", 12))
			.isEqualTo("Hi all! a b c d e f g h i j…");
	}

	@Test
	void aShortTitleOrATitleThatIsOnlyTheStartOfAWordIsNotDropped() {
		assertThat(EntryText.summary("Python is great.", "Python", 40)).isEqualTo("Python is great.");
		assertThat(EntryText.summary("Release notesworthy things happened.", "Release notes", 40))
			.isEqualTo("Release notesworthy things happened.");
		assertThat(EntryText.summary("Release notes for everyone", "Release notes for everyone", 40)).isEmpty();
	}

	private static ParsedFeed.Entry entry(String feed, String title) throws IOException, FeedException {
		Path file = FEEDS.resolve(feed);
		return new FeedParser(FeedTestSupport.properties(java.util.Map.of()))
			.parse(new FeedFetcher.Body(file.toUri().toString(), Files.readAllBytes(file), null, null, null))
			.entries()
			.stream()
			.filter(entry -> entry.title().equals(title))
			.findFirst()
			.orElseThrow();
	}
}
