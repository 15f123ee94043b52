package org.newsletter.issue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IssueRendererTests {

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
	void threeOrMoreBlankLinesCollapseToOne() {
		assertThat(IssueRenderer.wrap("a\n\n\n\n\nb\n\nc")).isEqualTo("a\n\nb\n\nc\n");
	}

	@Test
	void trailingSpacesAreDroppedAndTheTextEndsWithOneNewline() {
		assertThat(IssueRenderer.wrap("\n\na   \nb\n\n\n")).isEqualTo("a\nb\n");
	}

	private static List<String> lines(String text) {
		assertThat(text).endsWith("\n");
		return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
	}
}
