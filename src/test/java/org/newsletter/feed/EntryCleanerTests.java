package org.newsletter.feed;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EntryCleanerTests {

	private static final String BASE = "https://blog.example/2026/03/post.html";

	@Test
	void longContentIsCutAtATagWithTheElementsItLeavesOpenClosed() {
		String paragraph = "<p>Words &amp; more <a href=\"https://blog.example/x\">words</a> 😀</p>";
		String html = "<div>" + paragraph.repeat(2 * EntryCleaner.MAX_LENGTH / paragraph.length()) + "</div>";

		String clean = EntryCleaner.clean(html, BASE);

		assertThat(clean.length()).isBetween(EntryCleaner.MAX_LENGTH - paragraph.length(), EntryCleaner.MAX_LENGTH + 20);
		assertThat(clean).startsWith("<div><p>Words &amp; more").endsWith("</div>");
		Document reparsed = Jsoup.parseBodyFragment(clean);
		reparsed.outputSettings().prettyPrint(false);
		assertThat(reparsed.body().html()).as("well formed: it parses back to itself").isEqualTo(clean);
		assertThat(clean.codePoints().filter(c -> c >= 0xD800 && c <= 0xDFFF).count()).as("no lone surrogate").isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 5, 9, 13 })
	void aCutNeverEndsInsideATagOrAnEntity(int shift) {
		String html = "x".repeat(EntryCleaner.MAX_LENGTH - shift) + "<b>bold &amp; &lt;tag&gt;</b>";

		String clean = EntryCleaner.clean(html, BASE);

		assertThat(clean).startsWith("xxx").doesNotContain("&am<", "&l<", "<b</").doesNotEndWith("&").doesNotEndWith("<");
		assertThat(clean.replaceAll("&(amp|lt|gt);", "")).doesNotContain("&");
	}

	@Test
	void dangerousElementsAreRemovedWithTheirContent() {
		String html = """
				<p>Kept.</p>
				<script>steal(document.cookie)</script>
				<style>body { display:none }</style>
				<iframe src="https://evil.example/frame"></iframe>
				<form action="https://evil.example/login"><input name="password"></form>
				<svg onload="steal()"><circle r="10"/></svg>
				<object data="https://evil.example/x.swf"></object>""";

		String clean = EntryCleaner.clean(html, BASE);

		assertThat(clean).contains("<p>Kept.</p>")
			.doesNotContain("<script", "steal", "<style", "display:none", "<iframe", "evil.example", "<form",
					"<input", "<svg", "<circle", "<object");
	}

	@Test
	void eventHandlerAttributesAreRemoved() {
		String clean = EntryCleaner.clean("<p onclick=\"steal()\" onmouseover=\"steal()\">Hello</p>", BASE);

		assertThat(clean).isEqualTo("<p>Hello</p>");
	}

	@ParameterizedTest
	@ValueSource(strings = { "javascript:steal()", "JaVaScRiPt:steal()", "jav&#x09;ascript:steal()",
			"jav&#x0A;ascript:steal()", " javascript:steal()" })
	void javascriptLinksLoseTheirHrefEvenWhenObfuscated(String href) {
		String clean = EntryCleaner.clean("<a href=\"" + href + "\">click</a>", BASE);

		assertThat(clean).doesNotContainIgnoringCase("script").doesNotContain("href").contains("click");
	}

	@Test
	void relativeLinksAndImagesAreMadeAbsoluteAgainstTheBase() {
		String clean = EntryCleaner.clean("<a href=\"../other.html\">other</a> <img src=\"/img/a.png\" alt=\"a\">",
				BASE);

		assertThat(clean).contains("href=\"https://blog.example/2026/other.html\"")
			.contains("src=\"https://blog.example/img/a.png\"");
	}

	@Test
	void aTrackingPixelIsDroppedButANormalImageKept() {
		String clean = EntryCleaner.clean("""
				<img src="https://tracker.example/pixel.gif" width="1" height="1">
				<img src="https://blog.example/photo.jpg" width="600" height="400" alt="photo">""", BASE);

		assertThat(clean).doesNotContain("tracker.example").contains("src=\"https://blog.example/photo.jpg\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "width=\"1\" height=\"1\"", "width=\"0\" height=\"0\"", "width=\"1px\" height=\"1px\"",
			"style=\"width:1px;height:1px\"", "style=\"border:0; WIDTH: 1px; height: 0\"", "width=\"1\" style=\"height:1px\"" })
	void trackingPixelsAreDroppedWhateverWayTheirSizeIsGiven(String size) {
		String clean = EntryCleaner.clean("<p>text<img src=\"https://tracker.example/p.gif\" " + size + "></p>", BASE);

		assertThat(clean).isEqualTo("<p>text</p>");
	}

	@ParameterizedTest
	@ValueSource(strings = { "width=\"1\"", "width=\"10\" height=\"1\"", "style=\"width:100px;height:1px\"", "" })
	void imagesThatAreNotOnePixelSquareAreKept(String size) {
		assertThat(EntryCleaner.clean("<img src=\"https://blog.example/a.png\" " + size + ">", BASE)).contains("<img");
	}

	@Test
	void mailtoAndHttpsLinksAreKept() {
		String clean = EntryCleaner.clean(
				"<a href=\"mailto:ada@example.org\">mail</a> <a href=\"https://good.example/\">web</a>", BASE);

		assertThat(clean).contains("href=\"mailto:ada@example.org\"").contains("href=\"https://good.example/\"");
	}

	@Test
	void blankOrMissingHtmlCleansToEmpty() {
		assertThat(EntryCleaner.clean(null, BASE)).isEmpty();
		assertThat(EntryCleaner.clean("  \n ", null)).isEmpty();
	}

	@Test
	void textStripsTagsAndDecodesEntities() {
		assertThat(EntryCleaner.text("<b>Fish</b> &amp; chips &eacute;t&eacute;")).isEqualTo("Fish & chips été");
	}

	@Test
	void textTurnsLineBreaksAndControlCharactersIntoSingleSpaces() {
		assertThat(EntryCleaner.text("Hi\nBcc: x@evil")).isEqualTo("Hi Bcc: x@evil");
		assertThat(EntryCleaner.text("  a\r\n\tb\u0000c\u2028d  ")).isEqualTo("a b c d");
		assertThat(EntryCleaner.text("a\u0085b\u009Bc\u2029d\u007Fe")).isEqualTo("a b c d e");
	}

	@Test
	void textOfMarkupWithALineBreakIsStillOneLine() {
		assertThat(EntryCleaner.text("<i>Subject</i>\r\nBcc: everyone@evil.example")).doesNotContain("\r", "\n")
			.isEqualTo("Subject Bcc: everyone@evil.example");
	}

	@Test
	void textOfNullIsEmpty() {
		assertThat(EntryCleaner.text(null)).isEmpty();
	}
}
