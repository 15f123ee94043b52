package org.newsletter.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random mutations of the fixture feeds through the fetch step's real processor, each as a
 * {@code file:} feed: every one is parsed or refused with a reason, none hangs, none throws
 * anything else, and whatever is parsed comes out clean. The seed is fixed, so a failure
 * repeats; the failing input is kept under {@code target/fuzz-failures/}.
 */
class FeedFuzzTests {

	private static final long SEED = 20260320L;

	private static final int MUTATIONS = 3000;

	private static final long PER_FEED_SECONDS = 5;

	private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	/** Fragments that break XML or feeds in interesting ways, inserted anywhere. */
	private static final List<String> BREAKERS = List.of("<", ">", "&", "&amp;", "&#0;", "&#xFFFF;", "&#x110000;",
			"&nbsp;", "&bogus;", "]]>", "<![CDATA[", "<!--", "-->", "<!DOCTYPE rss [<!ENTITY x \"y\">]>",
			"<?xml version=\"1.0\" encoding=\"utf-16\"?>", "<?xml version=\"1.0\" encoding=\"bogus\"?>", "\uFEFF",
			"\u0000", "\u0092", "<item>", "</item>", "<entry>", "</entry>", "<channel>", "</channel>", "<title>",
			"</title>", "<link>javascript:alert(1)</link>", "<pubDate>sometime</pubDate>",
			"<pubDate>Fri, 01 Jan 9999 00:00:00 GMT</pubDate>", "<guid>same</guid>", "<updated>2026-13-45T99:99:99Z</updated>",
			"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">",
			"<body xmlns=\"http://www.w3.org/1999/xhtml\"><script>x</script>", "xmlns:x=\"", " x:y=\"z\"", "<html>",
			"<!DOCTYPE html>");

	/** Hostile markup and text put into a feed's text (escaped) or CDATA (as is), keeping the XML well-formed. */
	private static final List<String> PAYLOADS = List.of("<script>steal()</script>", "<img src=x onerror=steal()>",
			"<img src=\"https://t.example/p.gif\" width=1 height=1>", "<a href=\"jav&#x09;ascript:steal()\">x</a>",
			"<a href=\" JaVaScRiPt:steal()\">x</a>", "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
			"<svg onload=steal()><circle/></svg>", "<iframe src=//evil.example></iframe>", "<style>*{display:none}</style>",
			"<form action=//evil.example><input name=p></form>", "<meta http-equiv=refresh content=0;url=//evil.example>",
			"<base href=//evil.example/>", "<math><mi xlink:href=javascript:steal()>x</mi></math>",
			"<p style=\"background:url(javascript:steal())\">x</p>", "<object data=x.swf></object>", "<embed src=x>",
			"<a href=\"/relative\">rel</a>", "<div>".repeat(3000), "<table><tr><td>unclosed", "\r\nBcc: x@evil.example\r\n",
			"\u0085\u2028\u2029\u202E", "\u0093quoted\u0094", "&lt;script&gt;", "<!-- <script> -->", "<![CDATA[x]]>");

	@TempDir
	Path folder;

	private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
		var thread = new Thread(runnable, "fuzz");
		thread.setDaemon(true);
		return thread;
	});

	@AfterEach
	void stop() {
		pool.shutdownNow();
	}

	@Test
	void thousandsOfMutatedFeedsAreParsedOrRefusedCleanlyAndNeverHang() throws Exception {
		List<byte[]> seeds = seeds();
		FeedFetchProcessor processor = FeedTestSupport.processor(Map.of());
		var random = new Random(SEED);
		Path file = folder.resolve("mutant.xml");
		var source = new FeedSource(file.toUri().toString(), "");
		int parsed = 0;
		List<String> problems = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < MUTATIONS && problems.isEmpty(); i++) {
			byte[] mutant = mutate(seeds.get(random.nextInt(seeds.size())), random);
			Files.write(file, mutant);
			Future<FeedFetchProcessor.Fetched> result = pool.submit(() -> processor.process(source));
			String problem = null;
			try {
				ParsedFeed feed = result.get(PER_FEED_SECONDS, TimeUnit.SECONDS).feed();
				problem = uncleanOutput(feed);
				parsed++;
			}
			catch (TimeoutException ex) {
				result.cancel(true);
				problem = "still running after " + PER_FEED_SECONDS + " s";
			}
			catch (ExecutionException ex) {
				problem = ex.getCause() instanceof FeedException failure ? badReason(failure) : "threw " + ex.getCause();
			}
			if (problem != null) {
				problems.add("mutation " + i + " (kept as " + keep(i, mutant) + "): " + problem);
			}
		}
		System.out.printf("fuzz: %d mutations (seed %d) in %.1f s: %d parsed, the rest refused with a reason%n",
				MUTATIONS, SEED, (System.nanoTime() - start) / 1e9, parsed);

		assertThat(problems).isEmpty();
	}

	/** Why what came out of a parse is not clean, or null. */
	private static String uncleanOutput(ParsedFeed feed) {
		for (ParsedFeed.Entry entry : feed.entries()) {
			if (entry.title().chars().anyMatch(Character::isISOControl)) {
				return "a title with a control character: " + entry.title();
			}
			for (Element element : Jsoup.parseBodyFragment(entry.contentHtml()).body().getAllElements()) {
				if (element.nameIs("script") || element.nameIs("iframe") || element.nameIs("svg") || element.nameIs("style")) {
					return "a <" + element.normalName() + "> in cleaned content";
				}
				for (var attribute : element.attributes()) {
					String value = attribute.getValue().strip().toLowerCase(java.util.Locale.ROOT);
					if (attribute.getKey().startsWith("on") || attribute.getKey().equals("style")
							|| ((attribute.getKey().equals("href") || attribute.getKey().equals("src"))
									&& !value.matches("(https?:|mailto:).*"))) {
						return "attribute " + attribute + " in cleaned content";
					}
				}
			}
		}
		return null;
	}

	private static String badReason(FeedException failure) {
		String reason = failure.getMessage();
		return reason == null || reason.isBlank() || reason.contains("\n") ? "a refusal without a one-line reason: " + reason
				: null;
	}

	/** One to three mutations, each either hostile text kept well-formed or a structural break. */
	private static byte[] mutate(byte[] seed, Random random) {
		byte[] bytes = seed;
		for (int n = 1 + random.nextInt(3); n > 0; n--) {
			bytes = random.nextBoolean() ? intoText(bytes, random) : breakStructure(bytes, random);
		}
		return bytes;
	}

	/** Inserts a payload where text or a CDATA section starts: escaped in text, as is in CDATA. */
	private static byte[] intoText(byte[] bytes, Random random) {
		String xml = new String(bytes, StandardCharsets.ISO_8859_1);
		List<Integer> starts = new ArrayList<>();
		for (int i = xml.indexOf('>'); i >= 0 && i + 1 < xml.length(); i = xml.indexOf('>', i + 1)) {
			if (xml.charAt(i + 1) != '<' && !xml.startsWith("?>", i - 1) && !xml.startsWith("-->", i - 2)) {
				starts.add(i + 1);
			}
		}
		int cdata = starts.size();
		for (int i = xml.indexOf("<![CDATA["); i >= 0; i = xml.indexOf("<![CDATA[", i + 1)) {
			starts.add(i + "<![CDATA[".length());
		}
		if (starts.isEmpty()) {
			return breakStructure(bytes, random);
		}
		int pick = random.nextInt(starts.size());
		String payload = PAYLOADS.get(random.nextInt(PAYLOADS.size()));
		String text = pick >= cdata ? payload.replace("]]>", "")
				: payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
		int at = starts.get(pick);
		return splice(bytes, at, at, text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] breakStructure(byte[] bytes, Random random) {
		int at = random.nextInt(bytes.length + 1);
		return switch (random.nextInt(7)) {
			case 0 -> flip(bytes, random);
			case 1 -> splice(bytes, at, at, BREAKERS.get(random.nextInt(BREAKERS.size())).getBytes(StandardCharsets.UTF_8));
			case 2 -> splice(bytes, at, Math.min(bytes.length, at + random.nextInt(64)), new byte[0]);
			case 3 -> splice(bytes, at, at, slice(bytes, random));
			case 4 -> java.util.Arrays.copyOf(bytes, at);
			case 5 -> splice(bytes, at, at, randomBytes(random));
			default -> splice(bytes, at, at, "<b>".repeat(1 + random.nextInt(5000)).getBytes(StandardCharsets.UTF_8));
		};
	}

	private static byte[] flip(byte[] bytes, Random random) {
		byte[] copy = bytes.clone();
		for (int n = 1 + random.nextInt(8); n > 0 && copy.length > 0; n--) {
			copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
		}
		return copy;
	}

	private static byte[] slice(byte[] bytes, Random random) {
		int from = random.nextInt(bytes.length + 1);
		return java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + random.nextInt(256)));
	}

	private static byte[] randomBytes(Random random) {
		byte[] noise = new byte[1 + random.nextInt(16)];
		random.nextBytes(noise);
		return noise;
	}

	private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
		var out = new ByteArrayOutputStream(bytes.length + insert.length);
		out.write(bytes, 0, from);
		out.writeBytes(insert);
		out.write(bytes, to, bytes.length - to);
		return out.toByteArray();
	}

	private static List<byte[]> seeds() throws IOException {
		try (Stream<Path> hostile = Files.list(FIXTURES.resolve("hostile"));
				Stream<Path> planet = Files.list(FIXTURES.resolve("planet/march-24/feeds"))) {
			List<byte[]> seeds = new ArrayList<>();
			for (Path file : Stream.concat(hostile, planet).sorted().toList()) {
				seeds.add(Files.readAllBytes(file));
			}
			return seeds;
		}
	}

	private static Path keep(int index, byte[] mutant) {
		try {
			Path kept = Path.of("target/fuzz-failures/mutation-" + index + ".xml");
			Files.createDirectories(kept.getParent());
			return Files.write(kept, mutant);
		}
		catch (IOException ex) {
			return Path.of("(not kept: " + ex.getMessage() + ")");
		}
	}
}
