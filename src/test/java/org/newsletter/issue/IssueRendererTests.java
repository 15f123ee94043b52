package org.newsletter.issue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendering of an issue: the text wrapping rules, and the fixture issue (the planet feeds
 * of March 20, see {@link FixtureIssue}) as both parts. The text part is compared with
 * {@code src/test/resources/golden/fixture-issue.txt}; after an intended change of the text
 * template, run this class with {@code -Dgolden.update=true} and review the file's diff.
 */
class IssueRendererTests {

	private static final Path GOLDEN_TEXT = Path.of("src/test/resources/golden/fixture-issue.txt");

	private static final String ARCHIVE_URL = "https://newsletter.example/archive/2026-03-21/";

	private static final String LONG = "The quick brown fox jumps over the lazy dog and then keeps on running "
			+ "far beyond the edge of the seventy-two column limit of a plain text email body.";

	@Test
	void longLinesAreWrappedAtSeventyTwoColumnsWithoutLosingWords() {
		List<String> lines = lines(IssueRenderer.wrap(LONG));

		assertThat(lines).hasSizeGreaterThan(1).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(72));
		assertThat(String.join(" ", lines)).isEqualTo(LONG);
	}

	@Test
	void shortLinesAreLeftAlone() {
		assertThat(IssueRenderer.wrap("Hello\n  indented\n")).isEqualTo("Hello\n  indented\n");
	}

	@Test
	void aLongUrlIsNeverCutAndStandsOnItsOwnLine() {
		String url = "https://example.org/" + "a-very-long-path-segment/".repeat(5) + "article.html";

		List<String> lines = lines(IssueRenderer.wrap("Read the whole article at " + url + " today"));

		assertThat(lines).contains(url);
		assertThat(lines).filteredOn(line -> !line.equals(url))
			.allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(72));
	}

	@Test
	void bulletContinuationLinesHangUnderTheBulletText() {
		List<String> lines = lines(IssueRenderer.wrap("* " + LONG));

		assertThat(lines.get(0)).startsWith("* ");
		assertThat(lines.subList(1, lines.size())).isNotEmpty()
			.allSatisfy(line -> assertThat(line).startsWith("  ").doesNotStartWith("   "))
			.allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(72));
	}

	@Test
	void indentationIsKeptOnContinuationLines() {
		List<String> lines = lines(IssueRenderer.wrap("Heading\n    " + LONG));

		assertThat(lines.subList(1, lines.size())).hasSizeGreaterThan(1)
			.allSatisfy(line -> assertThat(line).startsWith("    ").doesNotStartWith("     ").hasSizeLessThanOrEqualTo(72));
	}

	@Test
	void anIndentedBulletHangsUnderItsOwnText() {
		List<String> lines = lines(IssueRenderer.wrap("Heading\n  * " + LONG));

		assertThat(lines.get(1)).startsWith("  * ");
		assertThat(lines.subList(2, lines.size())).isNotEmpty()
			.allSatisfy(line -> assertThat(line).startsWith("    ").doesNotStartWith("     "));
	}

	@Test
	void aLinkReferenceStaysWithTheWordBeforeIt() {
		List<String> lines = lines(IssueRenderer.wrap("* " + "word ".repeat(13) + "wordy [12]"));

		assertThat(lines).containsExactly("* " + "word ".repeat(13).strip(), "  wordy [12]");
	}

	@Test
	void aLinkListLineKeepsItsNumberWithItsUrl() {
		String url = "https://example.org/" + "segment/".repeat(10);

		assertThat(IssueRenderer.wrap("[12] " + url)).isEqualTo("[12] " + url + "\n");
	}

	@Test
	void threeOrMoreBlankLinesCollapseToOne() {
		assertThat(IssueRenderer.wrap("a\n\n\n\n\nb\n\nc")).isEqualTo("a\n\nb\n\nc\n");
	}

	@Test
	void trailingSpacesAreDroppedAndTheTextEndsWithOneNewline() {
		assertThat(IssueRenderer.wrap("\n\na   \nb\n\n\n")).isEqualTo("a\nb\n");
	}

	@Test
	void theTextPartOfTheFixtureIssueMatchesTheGoldenFileLineByLine() throws IOException {
		String text = FixtureIssue.rendered(FixtureIssue.properties()).text();
		if (Boolean.getBoolean("golden.update")) {
			Files.createDirectories(GOLDEN_TEXT.getParent());
			Files.writeString(GOLDEN_TEXT, text, StandardCharsets.UTF_8);
		}
		List<String> golden = Files.readAllLines(GOLDEN_TEXT, StandardCharsets.UTF_8);

		List<String> actual = lines(text);
		for (int i = 0; i < Math.min(actual.size(), golden.size()); i++) {
			assertThat(actual.get(i)).as("line %d of the text part", i + 1).isEqualTo(golden.get(i));
		}
		assertThat(actual).as("lines of the text part").hasSameSizeAs(golden);
	}

	@Test
	void theTextPartReadsOnItsOwn() {
		String text = FixtureIssue.rendered(FixtureIssue.properties()).text();

		assertThat(lines(text)).allSatisfy(line -> assertThat(line.length() <= 72 || line.matches("(\\[\\d+\\] )?https?://\\S+"))
			.as("'%s' fits 72 columns or is a link", line).isTrue());
		assertThat(text).doesNotContainPattern("</?[a-zA-Z][a-zA-Z0-9]*[^>]*>")
			.doesNotContainPattern("&(#\\d+|#x\\p{XDigit}+|[a-zA-Z]+);")
			.doesNotContain("%%")
			.contains("Hello Ada,", "View in browser:\n" + ARCHIVE_URL + "\n",
					"Unsubscribe with one click:\n" + FixtureIssue.UNSUBSCRIBE_URL + "\n");
	}

	@Test
	void everyLinkReferenceOfTheTextPartIsListedOnceUnderLinks() {
		String text = FixtureIssue.rendered(FixtureIssue.properties()).text();
		String body = text.substring(0, text.indexOf("\nLinks:\n"));
		String list = text.substring(text.indexOf("\nLinks:\n"));

		Set<String> referenced = new LinkedHashSet<>();
		Matcher reference = Pattern.compile("\\[(\\d+)\\]").matcher(body);
		while (reference.find()) {
			referenced.add(reference.group(1));
		}
		List<String> listed = list.lines().filter(line -> line.matches("\\[\\d+\\] https?://\\S+"))
			.map(line -> line.substring(1, line.indexOf(']')))
			.toList();
		// 13 sources and 24 entries, each with a link
		assertThat(referenced).hasSize(37).containsExactlyElementsOf(listed);
	}

	@Test
	void theHtmlPartKeepsOneStylesheetForWhatCannotBeInlined() {
		Document html = Jsoup.parse(FixtureIssue.rendered(FixtureIssue.properties()).html());

		assertThat(html.select("style")).hasSize(1);
		String css = html.selectFirst("head > style").data();
		assertThat(css).contains("@media (max-width:620px)", "@media (prefers-color-scheme:dark)", "a:hover");
		assertThat(css.replaceAll("(?s)@media[^{]*\\{(?:[^{}]*\\{[^}]*\\})*\\s*\\}", "").strip())
			.as("outside @media only what depends on state").isEqualTo("a:hover { text-decoration:underline !important; }");
		assertThat(html.select("script, link[rel=stylesheet], img")).isEmpty();
		assertThat(html.select("meta[name=color-scheme]").attr("content")).isEqualTo("light dark");
	}

	@Test
	void theHtmlPartIsATableAbout600PixelsWideWithItsStylesInlined() {
		String rendered = FixtureIssue.rendered(FixtureIssue.properties()).html();
		Document html = Jsoup.parse(rendered);

		Element container = html.selectFirst("table.container");
		assertThat(container.attr("style")).contains("width:100%", "max-width:600px", "background-color:#ffffff");
		assertThat(rendered).as("Outlook's fixed-width table").contains("<!--[if mso]><table role=\"presentation\" width=\"600\"");
		assertThat(html.select("body [class]:not(.entry)")).allSatisfy(element -> assertThat(element.attr("style"))
			.as("style of %s", element.cssSelector()).isNotBlank());
		assertThat(html.selectFirst("h3 a").attr("style")).contains("color:#1a5fb4", "text-decoration:none");
		assertThat(rendered.getBytes(StandardCharsets.UTF_8)).as("under Gmail's 102 KB clipping limit")
			.hasSizeLessThan(100 * 1024);
	}

	@Test
	void theHtmlPartOpensWithHeadlinesInThePreheaderTheIssueNumberAndViewInBrowser() {
		Document html = Jsoup.parse(FixtureIssue.rendered(FixtureIssue.properties()).html());

		Element preheader = html.body().child(0);
		assertThat(preheader.hasClass("preheader")).isTrue();
		assertThat(preheader.attr("style")).contains("display:none", "mso-hide:all")
			.as("hidden without text the colour of the background (HTML_FONT_LOW_CONTRAST)")
			.doesNotContain("color", "font-size");
		// the headlines after the subject's: the newest entries of the sources with the fewest that week
		assertThat(preheader.text()).startsWith("Block sizes from OSM data · Textual – Creating a Custom Checkbox · ")
			.doesNotContain("posts from");
		assertThat(html.selectFirst(".kicker").text()).isEqualTo("Issue #1 · View in browser");
		assertThat(html.selectFirst(".kicker a").attr("href")).isEqualTo(ARCHIVE_URL);
		assertThat(html.selectFirst("h1").text()).isEqualTo("Planet Python Weekly");
		assertThat(html.selectFirst(".dates").text()).isEqualTo("Mar 14, 2026 – Mar 21, 2026 · 24 posts");
		assertThat(html.selectFirst(".greeting").text()).isEqualTo("Hello Ada,");
	}

	@Test
	void theSubjectCarriesTheNumberAndTheFirstHeadlinesWithinEightyCharacters() {
		assertThat(FixtureIssue.rendered(FixtureIssue.properties()).subject())
			.isEqualTo("Planet Python Weekly #1: acs-nativity: A Python Package for…, and 23 more");
		var properties = FixtureIssue.properties();
		assertThat(FixtureIssue.rendered(properties, FixtureIssue.demoContent(properties)).subject())
			.isEqualTo("Planet Python Weekly #1: Some Things Just Take Time, and 32 more");
		assertThat(FixtureIssue.rendered(properties, FixtureIssue.bigContent(properties, 100, 2)).subject())
			.isEqualTo("Planet Python Weekly #12: My first OSS commit turns 20 today (1), and 199 more")
			.hasSizeLessThanOrEqualTo(80);
	}

	@Test
	void theEmailHasNoInPageLinksForTheyDoNothingInGmailOutlookAndYahoo() {
		Document html = Jsoup.parse(FixtureIssue.rendered(FixtureIssue.properties()).html());

		assertThat(html.select("a[href^=#]")).isEmpty();
	}

	@Test
	void everyHtmlEntryHasOneLinkItsTitleItsDateAndASummaryThatReads() {
		String rendered = FixtureIssue.rendered(FixtureIssue.properties()).html();
		Document html = Jsoup.parse(rendered);

		List<Element> titles = html.select("td.source h3");
		assertThat(titles).hasSize(24).allSatisfy(title -> {
			String link = title.selectFirst("a").attr("href");
			assertThat(link).matches("https://[a-z-]+\\.example/posts/[a-z0-9-]+");
			assertThat(html.select("a[href=" + link + "]")).as("links to %s", link).hasSize(1);
			Element byline = title.nextElementSibling();
			assertThat(byline.hasClass("byline")).isTrue();
			assertThat(byline.text()).matches("(.+ · )?[A-Z][a-z]{2} \\d{1,2}, 2026");
			Element summary = byline.nextElementSibling();
			if (summary != null && summary.hasClass("summary")) {
				assertThat(summary.text().split("\\s+").length).isLessThanOrEqualTo(40);
				assertThat(summary.select("a")).isEmpty();
			}
		});
		assertThat(html.select("a:containsOwn(Read more), a.readmore")).as("no second link, no orphan link").isEmpty();
		assertThat(html.select("td.source h2 a").eachAttr("href")).hasSize(13)
			.allSatisfy(href -> assertThat(href).matches("https://[a-z-]+\\.example/"));
		Element first = titles.get(0);
		assertThat(first.text())
			.isEqualTo("acs-nativity: A Python Package for Analyzing Changes in the Foreign-Born Population");
		assertThat(first.nextElementSibling().text()).as("no author line repeating the source").isEqualTo("Mar 16, 2026");
		assertThat(first.nextElementSibling().nextElementSibling().text()).startsWith("President Trump has made")
			.endsWith("how are these policies changing the country’s population?");
	}

	@Test
	void inheritedStylesAreDeclaredOnTheCellsNotOnEveryElementOfAnEntry() {
		var properties = FixtureIssue.properties();
		IssueContent demo = FixtureIssue.demoContent(properties);
		String rendered = FixtureIssue.rendered(properties, demo).html();
		Document html = Jsoup.parse(rendered);

		assertThat(html.select("td.source").attr("style")).contains("font-family:", "line-height:24px");
		assertThat(html.select("td.source h3, td.source h3 a, td.source p")).allSatisfy(element -> assertThat(element.attr("style"))
			.as("style of %s", element.cssSelector()).doesNotContain("font-family"));
		assertThat(rendered).as("Outlook for Windows gets its font from the MSO block")
			.contains("<!--[if mso]><style>td, p, h1, h2, h3, a { font-family: Arial, sans-serif !important; }</style><![endif]-->");
		// the demo issue: 33 entries from 16 sources; an entry's cost, its source's heading shared
		int whole = IssueRenderer.sentBytes(FixtureIssue.webVersion(properties, demo));
		int none = IssueRenderer.sentBytes(FixtureIssue.webVersion(properties, demo.cut(0, 0)));
		assertThat(demo.entryCount()).isEqualTo(33);
		assertThat((whole - none) / demo.entryCount()).as("bytes per entry as sent").isLessThanOrEqualTo(800);
	}

	@Test
	void aTwoHundredEntryIssueFromAHundredSourcesIsNeverClippedAndLosesNoEntry() {
		for (String budget : List.of("95000", "40000")) {
			var properties = FixtureIssue.properties(Map.of("newsletter.email.max-html-bytes", budget));
			IssueContent content = FixtureIssue.bigContent(properties, 100, 2);
			var rendered = FixtureIssue.rendered(properties, content);
			Document email = Jsoup.parse(rendered.html());
			Document web = Jsoup.parse(FixtureIssue.webVersion(properties, content));

			assertThat(IssueRenderer.sentBytes(rendered.html())).as("as sent, budget %s", budget)
				.isLessThanOrEqualTo(Integer.parseInt(budget));
			assertThat(email.selectFirst("td.footer").select("a").eachAttr("href"))
				.containsExactly(ARCHIVE_URL, FixtureIssue.UNSUBSCRIBE_URL);
			var budgetCut = rendered.budget();
			assertThat(budgetCut.cut()).isTrue();
			assertThat(budgetCut.full() + budgetCut.briefs() + budgetCut.webOnly()).isEqualTo(200);
			assertThat(email.select("td.source h3")).hasSize(budgetCut.full());
			assertThat(email.select("p.brief")).hasSize(budgetCut.briefs());
			List<String> links = content.sources().stream().flatMap(s -> s.entries().stream()).map(IssueContent.Entry::link).toList();
			assertThat(web.select("td.source h3 a").eachAttr("href")).as("the web version holds every entry in full")
				.containsExactlyElementsOf(links);
			// what the email lists, in order, then the rest in the web version behind one link
			List<String> inEmail = email.select("td.source h3 a, p.brief a").eachAttr("href");
			assertThat(inEmail).containsExactlyElementsOf(links.subList(0, inEmail.size()));
			if (budgetCut.webOnly() > 0) {
				assertThat(email.select("p.web a").attr("href")).isEqualTo(ARCHIVE_URL);
				assertThat(email.select("p.web").text()).isEqualTo(budgetCut.webOnly() + " more posts in the web version");
				assertThat(rendered.text()).contains(budgetCut.webOnly() + " more posts in the web version:\n" + ARCHIVE_URL);
			}
			assertThat(rendered.text()).as("the text part lists what the HTML part lists")
				.contains(content.sources().get(0).entries().get(0).title())
				.contains("Unsubscribe with one click:\n" + FixtureIssue.UNSUBSCRIBE_URL);
			assertThat(Pattern.compile("^\\* ", Pattern.MULTILINE).matcher(rendered.text()).results().count())
				.isEqualTo(budgetCut.full() + budgetCut.briefs());
			assertThat(budgetCut.report()).contains(budgetCut.webOnly() + " only in the web version");
		}
		var tight = FixtureIssue.rendered(FixtureIssue.properties(Map.of("newsletter.email.max-html-bytes", "40000")),
				FixtureIssue.bigContent(FixtureIssue.properties(), 100, 2)).budget();
		assertThat(tight.webOnly()).as("a tight budget leaves entries to the web version").isPositive();
	}

	@Test
	void anIssueThatFitsIsNotCut() {
		var rendered = FixtureIssue.rendered(FixtureIssue.properties());

		assertThat(rendered.budget().cut()).isFalse();
		assertThat(rendered.budget().report()).isEmpty();
		assertThat(Jsoup.parse(rendered.html()).select("p.brief, p.web")).isEmpty();
		assertThat(rendered.html()).doesNotContain("More this week");
	}

	@Test
	void theFooterNamesTheSenderWhenOneIsConfigured() {
		String sender = "Planet Python Weekly · 1 Example Street, Springfield";
		var rendered = FixtureIssue.rendered(FixtureIssue.properties(Map.of("newsletter.footer.sender", sender)));

		assertThat(Jsoup.parse(rendered.html()).selectFirst("td.footer").text()).contains(sender);
		assertThat(rendered.text()).contains(sender);
		assertThat(FixtureIssue.rendered(FixtureIssue.properties()).html()).doesNotContain("Example Street");
	}

	@Test
	void theHtmlFooterSaysWhyAndLinksTheArchiveAndTheUnsubscribePage() {
		Document html = Jsoup.parse(FixtureIssue.rendered(FixtureIssue.properties()).html());

		Element footer = html.selectFirst("td.footer");
		assertThat(footer.text()).contains("You get Planet Python Weekly because you subscribed to it");
		assertThat(footer.select("a").eachAttr("href")).containsExactly(ARCHIVE_URL, FixtureIssue.UNSUBSCRIBE_URL);
		assertThat(footer.select("a").eachText()).containsExactly("View in browser", "Unsubscribe");
	}

	@Test
	void summariesHaveAtMostTheConfiguredNumberOfWords() {
		var properties = FixtureIssue.properties(Map.of("newsletter.summary-words", "12"));
		var rendered = FixtureIssue.rendered(properties);

		assertThat(Jsoup.parse(rendered.html()).select(".summary")).allSatisfy(summary -> {
			String text = summary.ownText().strip();
			assertThat(text.isEmpty() ? 0 : text.split("\\s+").length).isLessThanOrEqualTo(12);
		});
		assertThat(rendered.text()).contains("  President Trump has made reducing illegal immigration and increasing\n"
				+ "  deportations central goals…\n");
		assertThat(FixtureIssue.properties().summaryWords()).isEqualTo(40);
	}

	@Test
	void datesAndTheLanguageFollowTheConfiguredLocaleAndTimeZone() {
		var properties = FixtureIssue.properties(Map.of("newsletter.locale", "de-DE",
				"newsletter.time-zone", "Pacific/Auckland"));
		var rendered = FixtureIssue.rendered(properties);
		Document html = Jsoup.parse(rendered.html());

		assertThat(html.selectFirst("html").attr("lang")).isEqualTo("de-DE");
		// 2026-03-16T16:00Z is already the 17th in Auckland
		assertThat(html.selectFirst(".byline").text()).isEqualTo("17.03.2026");
		assertThat(html.selectFirst(".dates").text()).startsWith("14.03.2026 – 21.03.2026");
	}

	private static List<String> lines(String text) {
		assertThat(text).endsWith("\n");
		return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
	}
}
