package org.newsletter.issue;

import java.time.Clock;
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

	private final IssueComposer composer = new IssueComposer(null, null, null,
			new Binder(new MapConfigurationPropertySource(Map.of("newsletter.max-entries-per-source", "3")))
				.bindOrCreate("newsletter", NewsletterProperties.class),
			Clock.systemUTC());

	@Test
	void aSourceIsCappedNewestFirstAndCountsWhatItLeftOut() {
		List<Eligibility.Candidate> candidates = IntStream.range(0, 5)
			.mapToObj(i -> candidate(i, "Entry " + i, "https://blog.example/" + i, CUTOFF.minusSeconds(3600L * i)))
			.toList();

		IssueContent content = composer.content(WINDOW, candidates);

		assertThat(content.sources()).singleElement().satisfies(source -> {
			assertThat(source.entries()).extracting(IssueContent.Entry::title).containsExactly("Entry 0", "Entry 1", "Entry 2");
			assertThat(source.more()).isEqualTo(2);
			assertThat(source.siteLink()).isEqualTo("https://blog.example/");
		});
	}

	@Test
	void anEntryStoredWithoutATitleIsShownByItsLinkOrAsUntitled() {
		IssueContent content = composer.content(WINDOW, List.of(candidate(1, "", "https://blog.example/1", CUTOFF),
				candidate(2, " ", null, CUTOFF.minusSeconds(60))));

		assertThat(content.sources().get(0).entries()).extracting(IssueContent.Entry::title)
			.containsExactly("https://blog.example/1", "(untitled)");
	}

	private static Eligibility.Candidate candidate(long id, String title, String link, Instant published) {
		return new Eligibility.Candidate(id, 7, "Blog", "https://blog.example/", title, link, null, published, "<p>x</p>");
	}
}
