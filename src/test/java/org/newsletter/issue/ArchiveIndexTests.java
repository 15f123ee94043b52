package org.newsletter.issue;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.io.SyndFeedInput;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.newsletter.config.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;

class ArchiveIndexTests {

	private final ArchiveIndex index = new ArchiveIndex(TestProperties.of(Map.of("newsletter.base-url",
			"https://example.org/news/", "newsletter.title", "Tom & Jerry's <Weekly>")));

	private final List<IssueRepository.SentIssue> sent = List.of(
			new IssueRepository.SentIssue(9, Instant.parse("2026-03-24T08:00:00Z"), "<script>alert(1)</script> & more", "0a1b", 1, 1,
					Instant.parse("2026-03-24T08:05:00Z")),
			new IssueRepository.SentIssue(4, Instant.parse("2026-03-17T08:00:00Z"), "Week 11", "0a1b", 24, 13,
					Instant.parse("2026-03-17T08:03:00Z")));

	@Test
	void thePageListsTheIssuesNewestFirstWithTheirTitlesEscaped() {
		String html = index.html(sent);

		var page = Jsoup.parse(html);
		assertThat(page.select("li a").eachAttr("href")).containsExactly("2026-03-24/index.html", "2026-03-17/index.html");
		assertThat(page.select("li a").eachText()).containsExactly("<script>alert(1)</script> & more", "Week 11");
		assertThat(page.select("li").eachText()).containsExactly(
				"<script>alert(1)</script> & more 2026-03-24 · 1 entry", "Week 11 2026-03-17 · 24 entries");
		assertThat(page.title()).isEqualTo("Tom & Jerry's <Weekly>: archive");
		assertThat(html).doesNotContain("<script>", "<Weekly>");
	}

	@Test
	void theAtomFeedLinksEachIssueUnderTheBaseUrl() throws Exception {
		var feed = new SyndFeedInput().build(new StringReader(index.atom(sent)));

		assertThat(feed.getTitle()).isEqualTo("Tom & Jerry's <Weekly>");
		assertThat(feed.getUri()).isEqualTo("https://example.org/news/archive/");
		assertThat(feed.getEntries()).extracting(SyndEntry::getLink)
			.containsExactly("https://example.org/news/archive/2026-03-24/", "https://example.org/news/archive/2026-03-17/");
		assertThat(feed.getEntries()).extracting(SyndEntry::getTitle)
			.containsExactly("<script>alert(1)</script> & more", "Week 11");
		assertThat(feed.getEntries().get(1).getDescription().getValue()).isEqualTo("24 entries from 13 sources");
		assertThat(feed.getPublishedDate()).isEqualTo(java.util.Date.from(Instant.parse("2026-03-24T08:05:00Z")));
	}

	@Test
	void theTitlesShowTheSubjectAsAReaderWhoIsNobodyInParticularSeesIt() throws Exception {
		List<IssueRepository.SentIssue> personal = List.of(new IssueRepository.SentIssue(12,
				Instant.parse("2026-03-31T08:00:00Z"), "%%0a1b.GREETING%% %%0a1b.attr.company%% Week 13: 3 new posts",
				"0a1b", 3, 2, Instant.parse("2026-03-31T08:05:00Z")),
				new IssueRepository.SentIssue(11, Instant.parse("2026-03-24T08:00:00Z"), "%%0a1b.attr.company%%", "0a1b",
						3, 2, Instant.parse("2026-03-24T08:05:00Z")));

		String html = index.html(personal);
		String atom = index.atom(personal);

		assertThat(html).doesNotContain("%%");
		assertThat(atom).doesNotContain("%%");
		assertThat(Jsoup.parse(html).select("li a").eachText()).as("nothing but personal parts: the newsletter's title")
			.containsExactly("Hello, Week 13: 3 new posts", "Tom & Jerry's <Weekly>");
		assertThat(new SyndFeedInput().build(new StringReader(atom)).getEntries()).extracting(SyndEntry::getTitle)
			.containsExactly("Hello, Week 13: 3 new posts", "Tom & Jerry's <Weekly>");
	}
}
