package org.newsletter.issue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.helger.css.decl.CSSSelector;
import com.helger.css.decl.CascadingStyleSheet;
import com.helger.css.reader.CSSReader;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CssInlinerTests {

	/** The one walk over the body finds, for each selector of the real stylesheet, what jsoup's select finds. */
	@Test
	void oneWalkSelectsWhatEachSelectorSelectsOnItsOwn() throws IOException {
		Document issue = Jsoup.parse(FixtureIssue.rendered(FixtureIssue.properties()).html());
		CascadingStyleSheet sheet = CSSReader.readFromString(Files.readString(Path.of("templates/partials/styles.css")));

		Map<CSSSelector, List<Element>> selected = CssInliner.select(issue, List.of(sheet));

		assertThat(selected).hasSizeGreaterThan(30);
		selected.forEach((selector, elements) -> {
			String css = selector.getAsCSSString();
			List<Element> inBody = issue.select(css)
				.stream()
				.filter(element -> element == issue.body() || element.parents().contains(issue.body()))
				.toList();
			assertThat(elements).as(css).containsExactlyElementsOf(inBody);
		});
		assertThat(selected.values().stream().filter(elements -> !elements.isEmpty())).hasSizeGreaterThan(25);
	}

	@Test
	void aRuleIsCopiedIntoEveryElementItSelects() {
		Document html = inline(".x { color: #111; margin: 0 }", "<p class=x>a</p><p class=x>b</p><p>c</p>");

		assertThat(html.select("p").eachAttr("style")).containsExactly("color:#111;margin:0", "color:#111;margin:0");
		assertThat(html.select("p").get(2).hasAttr("style")).isFalse();
	}

	@Test
	void theMoreSpecificSelectorWinsWhereverItStands() {
		Document html = inline("#id { color: red } p.x { color: green } .x { color: blue } p { color: black }",
				"<p id=id class=x>a</p><p class=x>b</p><div class=x>c</div>");

		assertThat(html.select("p, div").eachAttr("style")).containsExactly("color:red", "color:green", "color:blue");
	}

	@Test
	void ofTwoEquallySpecificRulesTheLaterWins() {
		Document html = inline(".a { color: red; font-size: 12px } .b { color: blue }", "<p class='a b'>x</p>");

		assertThat(html.selectFirst("p").attr("style")).isEqualTo("font-size:12px;color:blue");
	}

	@Test
	void importantBeatsSpecificityAndTheElementsOwnStyle() {
		Document html = inline("p { color: red !important } #id.x { color: blue }",
				"<p id=id class=x style='color: green'>x</p>");

		assertThat(html.selectFirst("p").attr("style")).isEqualTo("color:red");
	}

	@Test
	void anImportantOwnStyleBeatsAnImportantRule() {
		Document html = inline("p { color: red !important }", "<p style='color: green !important'>x</p>");

		assertThat(html.selectFirst("p").attr("style")).isEqualTo("color:green");
	}

	@Test
	void theElementsOwnStyleBeatsTheStylesheet() {
		Document html = inline("#id { color: red; padding: 4px }", "<p id=id style='color: green'>x</p>");

		assertThat(html.selectFirst("p").attr("style")).isEqualTo("padding:4px;color:green");
	}

	@Test
	void aLonghandAndItsShorthandAreWrittenInCascadeOrder() {
		Document html = inline(".a.b { padding-left: 16px } .a { padding: 0 }", "<table><tr><td class='a b'>x</td></tr></table>");

		// padding-left from the more specific rule must come after the shorthand to win
		assertThat(html.selectFirst("td").attr("style")).isEqualTo("padding:0;padding-left:16px");
	}

	@Test
	void mediaQueriesStayInOneStyleBlockInTheHead() {
		Document html = inline(".a { color: red } @media (max-width: 620px) { .a { color: blue !important } }",
				"<p class=a>x</p><style>@media (prefers-color-scheme: dark) { .a { color: white !important } }</style>");

		assertThat(html.select("style")).hasSize(1);
		assertThat(html.selectFirst("style").parent().nameIs("head")).isTrue();
		String css = html.selectFirst("style").data();
		assertThat(css).contains("@media (max-width:620px)", ".a { color:blue !important; }",
				"@media (prefers-color-scheme:dark)", ".a { color:white !important; }");
		assertThat(css).doesNotContain("color:red");
		assertThat(html.selectFirst("p").attr("style")).isEqualTo("color:red");
	}

	@Test
	void selectorsThatDependOnStateStayInTheStyleBlockAndTheirSiblingsAreInlined() {
		Document html = inline("a:hover, .x { color: red } p::before { content: '>' } a:visited { color: gray }",
				"<a class=x href=#>x</a><p>y</p>");

		assertThat(html.selectFirst("a").attr("style")).isEqualTo("color:red");
		assertThat(html.selectFirst("p").hasAttr("style")).isFalse();
		assertThat(html.selectFirst("style").data()).contains("a:hover { color:red; }", "p::before",
				"a:visited { color:gray; }").doesNotContain(".x");
	}

	@Test
	void structuralPseudoClassesAreInlinedWithTheirSpecificity() {
		Document html = inline("li:first-child { color: red } li { color: blue } li:not(#z) { font-weight: bold }",
				"<ul><li>a</li><li>b</li></ul>");

		assertThat(html.select("li").eachAttr("style")).containsExactly("color:red;font-weight:bold",
				"color:blue;font-weight:bold");
		assertThat(html.select("style")).isEmpty();
	}

	@Test
	void aRuleThatSelectsNothingIsDropped() {
		Document html = inline(".missing { color: red } p { color: blue }", "<p>x</p>");

		assertThat(html.select("style")).isEmpty();
		assertThat(html.selectFirst("p").attr("style")).isEqualTo("color:blue");
	}

	@Test
	void onlyTheBodyIsStyled() {
		Document html = inline("* { margin: 0 }", "<p>x</p>");

		assertThat(html.select("head, head *, html").eachAttr("style")).isEmpty();
		assertThat(html.select("body, p").eachAttr("style")).containsExactly("margin:0", "margin:0");
	}

	@Test
	void anUnreadableOwnStyleIsKeptVerbatimAfterTheInlinedOne() {
		Document html = inline("p { color: red }", "<p style='color'>x</p>");

		assertThat(html.selectFirst("p").attr("style")).isEqualTo("color:red;color");
	}

	@Test
	void textAttributesAndPlaceholdersAreLeftAsTheyWere() {
		String body = "<p class=a>%%abc.GREETING%% &amp; caf\u00e9</p><a class=a href='%%abc.UNSUBSCRIBE_URL%%'>u</a>"
				+ "<!--[if mso]><table><tr><td><![endif]-->";

		String html = CssInliner.inline(page(".a { color: red }", body));

		assertThat(html).contains(">%%abc.GREETING%% &amp; caf\u00e9</p>", "href=\"%%abc.UNSUBSCRIBE_URL%%\"",
				"<!--[if mso]><table><tr><td><![endif]-->", "<!doctype html>");
	}

	@Test
	void aDocumentWithoutStylesheetIsReturnedUnchanged() {
		String html = "<!DOCTYPE html><html><head></head><body><p>x</p></body></html>";

		assertThat(CssInliner.inline(html)).isSameAs(html);
	}

	private static Document inline(String css, String body) {
		return Jsoup.parse(CssInliner.inline(page(css, body)));
	}

	private static String page(String css, String body) {
		return "<!DOCTYPE html><html><head><meta charset=utf-8><title>t</title><style>" + css
				+ "</style></head><body>" + body + "</body></html>";
	}
}
