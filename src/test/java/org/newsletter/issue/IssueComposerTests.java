package org.newsletter.issue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.newsletter.config.NewsletterProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class IssueComposerTests {

	private static final Instant CUTOFF = Instant.parse("2026-03-24T08:00:00Z");

	private static final Eligibility.Window WINDOW = new Eligibility.Window(Instant.parse("2026-03-17T08:00:00Z"), CUTOFF);

	private static final NewsletterProperties PROPERTIES = new Binder(
			new MapConfigurationPropertySource(Map.of("newsletter.max-entries-per-source", "3")))
		.bindOrCreate("newsletter", NewsletterProperties.class);

	@Test
	void aSourceIsCappedNewestFirstAndCountsWhatItLeftOut() {
		List<Eligibility.Candidate> candidates = IntStream.range(0, 5)
			.mapToObj(i -> candidate(i, "Entry " + i, "https://blog.example/" + i, CUTOFF.minusSeconds(3600L * i)))
			.toList();

		IssueContent content = IssueComposer.content(PROPERTIES, WINDOW, candidates, 1);

		assertThat(content.sources()).singleElement().satisfies(source -> {
			assertThat(source.entries()).extracting(IssueContent.Entry::title).containsExactly("Entry 0", "Entry 1", "Entry 2");
			assertThat(source.more()).isEqualTo(2);
			assertThat(source.siteLink()).isEqualTo("https://blog.example/");
		});
	}

	@Test
	void anEntryStoredWithoutATitleIsShownByItsLinkOrAsUntitled() {
		IssueContent content = IssueComposer.content(PROPERTIES, WINDOW, List.of(candidate(1, "", "https://blog.example/1", CUTOFF),
				candidate(2, " ", null, CUTOFF.minusSeconds(60))), 1);

		assertThat(content.sources().get(0).entries()).extracting(IssueContent.Entry::title)
			.containsExactly("https://blog.example/1", "(untitled)");
	}

	private static Eligibility.Candidate candidate(long id, String title, String link, Instant published) {
		return new Eligibility.Candidate(id, 7, "Blog", "https://blog.example/", title, link, null, published, null, "<p>x</p>");
	}


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
