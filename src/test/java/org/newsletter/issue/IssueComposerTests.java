package org.newsletter.issue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IssueComposerTests {

	@Test
	void aShortTextIsTheWholeSummary() {
		assertThat(IssueComposer.summary("<p>Eve v2.3 was <em>just</em> released.</p>", 60))
			.isEqualTo("Eve v2.3 was just released.");
	}

	@Test
	void aLongTextIsCutAtAWordBoundaryAndMarked() {
		String summary = IssueComposer.summary("<p>one two three, four five six</p>", 3);

		assertThat(summary).isEqualTo("one two three…");
		assertThat(summary.split("\\s+")).hasSize(3);
	}

	@Test
	void theFeedsOwnExcerptMarkEndsTheSummary() {
		assertThat(IssueComposer.summary("<p>They return a True if checked and a [&hellip;]</p>"
				+ "<p>The post <a href='x'>Textual</a> appeared first on Mouse Vs Python.</p>", 60))
			.isEqualTo("They return a True if checked and a…");
		assertThat(IssueComposer.summary("<p>Read on [...]</p>", 60)).isEqualTo("Read on…");
	}

	@Test
	void codeBlocksTablesFiguresAndPlatformFootersAreLeftOut() {
		String html = "<p>Use it like this:</p><pre><code>import eve</code></pre>"
				+ "<figure><img src='x.png'><figcaption>A chart</figcaption></figure>"
				+ "<table><tr><td>1</td></tr></table><p>Done.</p><p>1 post - 1 participant</p><p>Read full topic</p>";

		assertThat(IssueComposer.summary(html, 60)).isEqualTo("Use it like this: Done.");
	}

	@Test
	void anEntryWithoutTextHasNoSummary() {
		assertThat(IssueComposer.summary(null, 60)).isEmpty();
		assertThat(IssueComposer.summary("<p><img src='x.png'></p>", 60)).isEmpty();
	}
}
