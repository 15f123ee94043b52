package org.newsletter.issue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

import com.rometools.rome.feed.atom.Content;
import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import com.rometools.rome.feed.atom.Link;
import com.rometools.rome.feed.atom.Person;
import com.rometools.rome.feed.synd.SyndPerson;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.WireFeedOutput;
import org.jsoup.nodes.Entities;
import org.newsletter.config.NewsletterProperties;

/**
 * The front of the archive: {@code index.html} lists every sent issue newest first (date,
 * title, entry count, link) and {@code feed.xml} is the same list as an Atom feed whose entries
 * link to {@code <base-url>/archive/<yyyy-mm-dd>/}.
 */
final class ArchiveIndex {

	private final NewsletterProperties properties;

	private final String archiveUrl;

	ArchiveIndex(NewsletterProperties properties) {
		this.properties = properties;
		this.archiveUrl = properties.baseUrl().replaceAll("/+$", "") + "/archive/";
	}

	/** The HTML page listing {@code sent}; links are relative, so the folder also reads from disk. */
	String html(List<IssueRepository.SentIssue> sent) {
		String title = Entities.escape(properties.title());
		var page = new StringBuilder("""
				<!DOCTYPE html>
				<html lang="%s">
				<head>
				<meta charset="utf-8">
				<meta name="viewport" content="width=device-width, initial-scale=1">
				<title>%s: archive</title>
				<link rel="alternate" type="application/atom+xml" title="%s" href="feed.xml">
				<style>
				body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; background: #fff; }
				li { margin: .6rem 0; } .meta { color: #666; font-size: .9em; }
				@media (prefers-color-scheme: dark) { body { color: #ddd; background: #111; } a { color: #8ab4f8; } .meta { color: #999; } }
				</style>
				</head>
				<body>
				<h1>%s</h1>
				<p>Every issue sent, newest first. Follow it in a feed reader: <a href="feed.xml">Atom feed</a>.</p>
				<ul>
				""".formatted(Entities.escape(properties.locale().toLanguageTag()), title, title, title));
		for (IssueRepository.SentIssue issue : sent) {
			String day = IssueArchive.day(issue.cutoff(), properties.timeZone());
			page.append("<li><a href=\"").append(day).append("/index.html\">").append(Entities.escape(title(issue)))
				.append("</a><br><span class=\"meta\"><time datetime=\"").append(day).append("\">").append(day)
				.append("</time> · ").append(entries(issue)).append("</span></li>\n");
		}
		return page.append("</ul>\n</body>\n</html>\n").toString();
	}

	/** The Atom feed of {@code sent}, built with Rome. */
	String atom(List<IssueRepository.SentIssue> sent) {
		var feed = new Feed("atom_1.0");
		feed.setId(archiveUrl);
		feed.setTitle(properties.title());
		feed.setUpdated(Date.from(sent.stream()
			.map(ArchiveIndex::published)
			.max(Comparator.naturalOrder())
			.orElse(Instant.EPOCH)));
		feed.setAlternateLinks(List.of(link("alternate", archiveUrl, "text/html")));
		feed.setOtherLinks(List.of(link("self", archiveUrl + "feed.xml", "application/atom+xml")));
		var author = new Person();
		author.setName(properties.title());
		feed.setAuthors(List.<SyndPerson>of(author));
		List<Entry> entries = new ArrayList<>();
		for (IssueRepository.SentIssue issue : sent) {
			String url = archiveUrl + IssueArchive.day(issue.cutoff(), properties.timeZone()) + "/";
			var entry = new Entry();
			entry.setId(url + "#issue-" + issue.id());
			entry.setTitle(title(issue));
			entry.setAlternateLinks(List.of(link("alternate", url, "text/html")));
			entry.setPublished(Date.from(published(issue)));
			entry.setUpdated(Date.from(published(issue)));
			var summary = new Content();
			summary.setType(Content.TEXT);
			summary.setValue(entries(issue) + " from " + issue.sourceCount() + (issue.sourceCount() == 1 ? " source" : " sources"));
			entry.setSummary(summary);
			entries.add(entry);
		}
		feed.setEntries(entries);
		try {
			return new WireFeedOutput().outputString(feed, true);
		}
		catch (FeedException ex) {
			throw new IllegalStateException("cannot write the archive's Atom feed: " + ex.getMessage(), ex);
		}
	}

	/** The issue's title in the archive; the newsletter's own when its subject is nothing but personal parts. */
	private String title(IssueRepository.SentIssue issue) {
		String title = issue.title();
		return title.isEmpty() ? properties.title() : title;
	}

	private static Instant published(IssueRepository.SentIssue issue) {
		return issue.sentAt() != null ? issue.sentAt() : issue.cutoff();
	}

	private static String entries(IssueRepository.SentIssue issue) {
		return issue.entryCount() + (issue.entryCount() == 1 ? " entry" : " entries");
	}

	private static Link link(String rel, String href, String type) {
		var link = new Link();
		link.setRel(rel);
		link.setHref(href);
		link.setType(type);
		return link;
	}
}
