package org.newsletter.feed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.config.BadInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedListTests {

	@TempDir
	Path dir;

	@Test
	void everyOutlineWithAnXmlUrlIsAFeedNestedOnesToo() throws IOException {
		Path opml = opml("""
				<?xml version="1.0"?>
				<opml version="2.0"><head><title>Feeds</title></head><body>
				  <outline text="Top" xmlUrl="https://a.example/feed.xml"/>
				  <outline text="Python">
				    <outline title="Nested" text="ignored" xmlUrl="https://b.example/atom.xml"/>
				    <outline text="Deeper"><outline text="Deepest" xmlUrl="http://c.example/rss"/></outline>
				  </outline>
				  <outline text="Not a feed" htmlUrl="https://d.example/"/>
				</body></opml>""");

		assertThat(FeedList.read(opml)).containsExactly(new FeedSource("https://a.example/feed.xml", "Top"),
				new FeedSource("https://b.example/atom.xml", "Nested"), new FeedSource("http://c.example/rss", "Deepest"));
	}

	@Test
	void relativeUrlsAreResolvedAgainstTheListFile() throws IOException {
		Path opml = opml("""
				<opml version="2.0"><body>
				  <outline text="Local" xmlUrl="feeds/local.xml"/>
				  <outline text="Sibling" xmlUrl="../sibling.xml"/>
				</body></opml>""");

		List<FeedSource> sources = FeedList.read(opml);

		assertThat(sources).extracting(source -> Path.of(URI.create(source.url())))
			.containsExactly(dir.resolve("feeds/local.xml").toAbsolutePath(), dir.getParent().resolve("sibling.xml").toAbsolutePath());
	}

	@Test
	void duplicateUrlsCollapseToTheFirst() throws IOException {
		Path opml = opml("""
				<opml version="2.0"><body>
				  <outline text="First" xmlUrl="https://a.example/feed.xml"/>
				  <outline text="Group"><outline text="Again" xmlUrl=" https://a.example/feed.xml "/></outline>
				</body></opml>""");

		assertThat(FeedList.read(opml)).containsExactly(new FeedSource("https://a.example/feed.xml", "First"));
	}

	@Test
	void aDoctypeIsRefused() throws IOException {
		Path opml = opml("""
				<?xml version="1.0"?>
				<!DOCTYPE opml [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
				<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://a.example/"/></body></opml>""");

		assertThatThrownBy(() -> FeedList.read(opml)).isInstanceOf(BadInputException.class)
			.hasMessageContaining(opml.toString())
			.hasMessageNotContaining("root:");
	}

	@Test
	void aMissingFileIsBadInputNamingTheFile() {
		Path missing = dir.resolve("nowhere.opml");

		assertThatThrownBy(() -> FeedList.read(missing)).isInstanceOf(BadInputException.class)
			.hasMessageContaining(missing.toString())
			.hasMessageContaining("does not exist");
	}

	@Test
	void aMalformedFileIsBadInputNamingTheLine() throws IOException {
		Path opml = opml("""
				<opml version="2.0">
				<body>
				<outline text="Unclosed" xmlUrl="https://a.example/feed.xml">
				</body>
				</opml>""");

		assertThatThrownBy(() -> FeedList.read(opml)).isInstanceOf(BadInputException.class)
			.hasMessageContaining(opml.toString())
			.hasMessageMatching("(?s).*line [45]\\b.*");
	}

	private Path opml(String content) throws IOException {
		return Files.writeString(dir.resolve("feeds.opml"), content);
	}
}
