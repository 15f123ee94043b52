package org.newsletter.feed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.newsletter.FeedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FeedParserTests {

	private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	private final FeedParser parser = new FeedParser(FeedTestSupport.properties(Map.of()));

	static Stream<Arguments> march24Feeds() throws IOException {
		List<Map<String, Object>> feeds = JsonPath.read(FIXTURES.resolve("planet/manifest.json").toFile(), "$.feeds");
		return feeds.stream().map(feed -> Arguments.of(feed.get("format"), feed.get("file"),
				((Map<?, ?>) feed.get("entries")).get("march-24")));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("march24Feeds")
	void everyPlanetFeedParsesToTheManifestsEntryCount(String format, String file, int expected) throws Exception {
		ParsedFeed feed = parse(FIXTURES.resolve("planet/march-24").resolve(file));

		assertThat(feed.entries()).hasSize(expected);
		assertThat(feed.title()).isNotBlank();
		assertThat(feed.entries()).allSatisfy(entry -> {
			assertThat(entry.title()).isNotBlank().doesNotContain("\n");
			assertThat(entry.link()).startsWith("https://");
			assertThat(entry.published()).isNotNull();
		});
	}

	@Test
	void manifestCoversEveryFormat() throws IOException {
		assertThat(march24Feeds().map(arguments -> arguments.get()[0])).contains("rss2", "atom", "rdf");
	}

	@Test
	void anExternalEntityIsRefusedAndNothingOfTheFileLeaks() {
		var failure = catchThrowableOfType(FeedException.class, () -> parse(hostile("xxe-file.xml")));

		assertThat(failure).isNotNull();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			assertThat(String.valueOf(cause.getMessage())).doesNotContain("root:", "/bin/");
		}
	}

	@Test
	@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void anEntityExpansionBombIsRefusedQuickly() {
		assertThatThrownBy(() -> parse(hostile("billion-laughs.xml"))).isInstanceOf(FeedException.class)
			.hasMessageNotContaining("lollol");
	}

	@ParameterizedTest(name = "max-depth {0}")
	@ValueSource(ints = { 8, 256 })
	@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aFeedNestedExactlyMaxDepthIsReadAndOneLevelDeeperIsRefused(int maxDepth) throws FeedException {
		var bounded = new FeedParser(FeedTestSupport.properties(Map.of("newsletter.fetch.max-depth", "" + maxDepth)));

		assertThat(bounded.parse(body(nested(maxDepth))).entries()).singleElement()
			.satisfies(entry -> assertThat(entry.title()).isEqualTo("Down"));
		assertThatThrownBy(() -> bounded.parse(body(nested(maxDepth + 1)))).isInstanceOf(FeedException.class)
			.hasMessage("nested deeper than " + maxDepth + " elements");
		// the same thread's parser again, its count back at the root
		assertThat(bounded.parse(body(nested(maxDepth))).entries()).hasSize(1);
	}

	@Test
	@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aFeedNested100000DeepIsRefusedBeforeItIsBuilt() {
		assertThatThrownBy(() -> parser.parse(body(nested(100_000)))).isInstanceOf(FeedException.class)
			.hasMessage("nested deeper than 256 elements");
	}

	@Test
	@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aParseThatOutlivesTheFeedsDeadlineFailsAsTimedOut() {
		// depth allowed, the parse of 100,000 levels takes JDOM minutes: the deadline ends it
		var unbounded = new FeedParser(FeedTestSupport.properties(Map.of("newsletter.fetch.max-depth", "1000000")));
		long start = System.nanoTime();

		assertThatThrownBy(() -> unbounded.parse(body(nested(100_000)), Deadline.after(Duration.ofSeconds(1))))
			.isInstanceOf(FeedException.class)
			.hasMessage("timed out after 1 s");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
	}

	@Test
	void truncatedXmlFailsAsMalformed() {
		assertThatThrownBy(() -> parse(hostile("truncated.xml"))).isInstanceOf(FeedException.class)
			.hasMessageStartingWith("malformed XML")
			.hasMessageNotContaining("\n");
	}

	@Test
	void anHtmlPageIsNotAFeedAndTheAdvertisedFeedIsNamed() {
		assertThatThrownBy(() -> parse(hostile("not-a-feed.html"))).isInstanceOf(FeedException.class)
			.hasMessageContaining("not a feed")
			.hasMessageContaining("https://feeds.example/feed.xml");
	}

	@Test
	void anXhtmlPageWithAnXmlDeclarationIsNotAFeedEither() {
		assertThatThrownBy(() -> parse("""
				<?xml version="1.0" encoding="utf-8"?>
				<!-- generated -->
				<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
				<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Blog</title>
				<link rel="alternate" type="application/atom+xml" href="atom.xml"/></head><body/></html>"""))
			.isInstanceOf(FeedException.class)
			.hasMessage("not a feed (an HTML page); it advertises the feed https://t.example/atom.xml");
	}

	@Test
	void aFeedWithAnHtmlDoctypeIsAFeedThatDeclaresADoctype() {
		assertThatThrownBy(() -> parse("""
				<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://x.invalid/">
				<!-- a comment -->
				<rss version="2.0"><channel><title>found</title></channel></rss>"""))
			.hasMessage("rejected: the feed declares a DOCTYPE (external entities are refused)");
	}

	@Test
	void honestLatin1KeepsItsAccents() throws Exception {
		ParsedFeed feed = parse(hostile("latin1.xml"));

		assertThat(feed.title()).isEqualTo("Café Blog");
		assertThat(feed.entries()).singleElement().satisfies(entry -> {
			assertThat(entry.title()).isEqualTo("Crème brûlée recipes");
			assertThat(entry.contentHtml()).contains("Délicieux");
		});
	}

	@Test
	void latin1BytesLabelledUtf8DoNotCrash() throws Exception {
		ParsedFeed feed = parse(hostile("mislabelled-utf8.xml"));

		assertThat(feed.entries()).singleElement()
			.satisfies(entry -> assertThat(entry.title()).startsWith("Cr").endsWith("recipes"));
	}

	@Test
	void oddDatesAreNullWhenMissingOrUnreadableAndADuplicateGuidGivesOneEntry() throws Exception {
		ParsedFeed feed = parse(hostile("odd-dates.xml"));

		assertThat(feed.entries()).extracting(ParsedFeed.Entry::guid).containsExactly("d1", "d2", "d3", "d4", "dup");
		assertThat(feed.entries().get(0).published()).isNull();
		assertThat(feed.entries().get(1).published()).isNull();
		assertThat(feed.entries().get(2).published()).isEqualTo(Instant.parse("2026-03-21T04:30:00Z"));
		assertThat(feed.entries().get(4).title()).isEqualTo("Duplicate guid first");
	}

	@Test
	void injectedMarkupIsCleanedAndATitleStaysOnOneLine() throws Exception {
		ParsedFeed feed = parse(hostile("script-injection.xml"));

		assertThat(feed.entries()).hasSize(2);
		assertThat(feed.entries().get(0).contentHtml()).contains("Visible paragraph one", "https://good.example/article")
			.doesNotContain("<script", "onclick", "javascript:", "steal(", "<iframe", "tracker.example", "<form", "<svg");
		assertThat(feed.entries().get(0).link()).isNull();
		assertThat(feed.entries().get(1).title()).isEqualTo("Subject line Bcc: everyone@evil.example");
	}

	@Test
	void atomTextContentIsPlainTextSoItsMarkupComesOutEscaped() throws Exception {
		ParsedFeed feed = parse("""
				<?xml version="1.0" encoding="utf-8"?>
				<feed xmlns="http://www.w3.org/2005/Atom">
				  <title>T</title><id>urn:t</id><updated>2026-03-20T10:00:00Z</updated>
				  <entry><title>E</title><id>urn:e</id><link href="https://t.example/e"/>
				    <updated>2026-03-20T10:00:00Z</updated>
				    <content type="text">&lt;b&gt;x&lt;/b&gt;</content></entry>
				</feed>""");

		assertThat(feed.entries().get(0).contentHtml()).contains("&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>");
	}

	@Test
	void atomTextTitleKeepsItsAngleBrackets() throws Exception {
		ParsedFeed feed = parse("""
				<?xml version="1.0" encoding="utf-8"?>
				<feed xmlns="http://www.w3.org/2005/Atom">
				  <title>T</title><id>urn:t</id><updated>2026-03-20T10:00:00Z</updated>
				  <entry><title type="text">Generic &lt;T&gt; types</title><id>urn:e</id>
				    <link href="https://t.example/e"/><updated>2026-03-20T10:00:00Z</updated></entry>
				</feed>""");

		assertThat(feed.entries().get(0).title()).isEqualTo("Generic <T> types");
	}

	@Test
	void rss1DescriptionWithEscapedHtmlComesOutAsMarkup() throws Exception {
		ParsedFeed feed = parse("""
				<?xml version="1.0" encoding="utf-8"?>
				<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
				  <channel rdf:about="https://t.example/"><title>T</title><link>https://t.example/</link>
				    <description>d</description></channel>
				  <item rdf:about="https://t.example/1"><title>E</title><link>https://t.example/1</link>
				    <description>&lt;p&gt;Hello &lt;em&gt;world&lt;/em&gt;&lt;/p&gt;</description></item>
				</rdf:RDF>""");

		assertThat(feed.entries().get(0).contentHtml()).isEqualTo("<p>Hello <em>world</em></p>");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "<!DOCTYPE rss [<!ENTITY % remote SYSTEM \"URL\"> %remote;]>",
			"<!DOCTYPE rss SYSTEM \"URL\">", "<!DOCTYPE rss [<!ENTITY secret SYSTEM \"URL\">]>",
			"<!DOCTYPE rss [<!ENTITY % local SYSTEM \"file:///etc/hostname\"> %local;]>" })
	void everyDoctypeIsRefusedAndNothingItNamesIsFetched(String doctype, @TempDir Path folder) {
		try (var server = new FeedServer(folder)) {
			server.handle("/evil.dtd", exchange -> exchange.sendResponseHeaders(200, -1));
			String xml = "<?xml version=\"1.0\"?>" + doctype.replace("URL", server.url("/evil.dtd"))
					+ "<rss version=\"2.0\"><channel><title>&secret;</title></channel></rss>";

			assertThatThrownBy(() -> parse(xml)).isInstanceOf(FeedException.class)
				.hasMessage("rejected: the feed declares a DOCTYPE (external entities are refused)");
			assertThat(server.requests()).isEmpty();
		}
	}

	@Test
	void anRssItemWithItsTextInAnXhtmlBodyKeepsThatText() throws Exception {
		ParsedFeed feed = parse("""
				<rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
				  <item><title>E</title><link>https://t.example/e</link>
				    <body xmlns="http://www.w3.org/1999/xhtml"><p>Whole <a href="/x">text</a></p><script>x()</script></body>
				  </item>
				</channel></rss>""");

		assertThat(feed.entries().get(0).contentHtml())
			.isEqualTo("<p>Whole <a href=\"https://t.example/x\">text</a></p>");
	}

	@Test
	void anRssElementWithoutAChannelIsNotAFeed() {
		assertThatThrownBy(() -> parse("<rss version=\"2.0\"><item><title>x</title></item></rss>"))
			.isInstanceOf(FeedException.class)
			.hasMessage("not a feed (an <rss> element without a <channel>)");
	}

	@Test
	void anUnknownRootElementIsNamedInTheReason() {
		assertThatThrownBy(() -> parse("<rss version=\"9.9\"><channel><title>x</title></channel></rss>"))
			.isInstanceOf(FeedException.class)
			.hasMessage("not a feed (no RSS or Atom root element; the root is <rss version=\"9.9\">)");
	}

	@Test
	void aUtf16FeedWithAByteOrderMarkParses() throws Exception {
		byte[] bytes = ("\uFEFF<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Café</title>"
				+ "<item><title>Crème</title><link>https://t.example/1</link></item></channel></rss>")
			.getBytes(StandardCharsets.UTF_16LE);

		ParsedFeed feed = parser.parse(new FeedFetcher.Body("https://t.example/feed.xml", bytes, null, null, null));

		assertThat(feed.title()).isEqualTo("Café");
		assertThat(feed.entries()).singleElement().extracting(ParsedFeed.Entry::title).isEqualTo("Crème");
	}

	@Test
	void aTitleOfNothingButMarkupIsKeptEmpty() throws Exception {
		ParsedFeed feed = parse("""
				<rss version="2.0"><channel><title>T</title>
				  <item><title>&lt;img src="x.png" onclick="steal()"&gt;</title><link>https://t.example/1</link></item>
				</channel></rss>""");

		assertThat(feed.entries().get(0).title()).isEmpty();
	}

	private ParsedFeed parse(Path file) throws IOException, FeedException {
		return parser.parse(new FeedFetcher.Body("https://feeds.example/" + file.getFileName(), Files.readAllBytes(file),
				null, null, null));
	}

	private ParsedFeed parse(String xml) throws FeedException {
		return parser.parse(new FeedFetcher.Body("https://t.example/feed.xml", xml.getBytes(StandardCharsets.UTF_8),
				"application/xml", null, null));
	}

	private static FeedFetcher.Body body(String xml) {
		return new FeedFetcher.Body("https://deep.example/feed.xml", xml.getBytes(StandardCharsets.UTF_8), "application/xml",
				null, null);
	}

	/** An RSS feed of one item whose deepest element is {@code depth} levels down, {@code <rss>} being level 1. */
	static String nested(int depth) {
		// rss, channel and item are three levels; elements in the item make up the rest
		return "<rss version=\"2.0\"><channel><title>Deep</title><link>https://deep.example/</link><item><title>Down</title>"
				+ "<link>https://deep.example/1</link>" + "<x>".repeat(depth - 3) + "</x>".repeat(depth - 3)
				+ "</item></channel></rss>";
	}

	private static Path hostile(String name) {
		return FIXTURES.resolve("hostile").resolve(name);
	}
}
