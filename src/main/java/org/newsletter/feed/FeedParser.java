package org.newsletter.feed;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndPerson;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.XmlReader;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

import org.springframework.stereotype.Component;

/**
 * Parses feed bytes with Rome (RSS 0.9x, 1.0, 2.0, Atom), DOCTYPEs refused, and turns each
 * entry into plain-text fields and cleaned HTML.
 */
@Component
public class FeedParser {

	private static final java.util.regex.Pattern LOOKS_LIKE_MARKUP = java.util.regex.Pattern
		.compile("</?[a-zA-Z][a-zA-Z0-9]*(\\s[^>]*)?/?>|&(#\\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);");

	/** Parses {@code body}; {@code url} is where it came from (for relative links). */
	public ParsedFeed parse(FeedFetcher.Body body) throws FeedException {
		if (looksLikeHtml(body.bytes())) {
			throw new FeedException(notAFeed(body));
		}
		SyndFeed feed = build(body);
		String siteLink = absolute(feed.getLink(), body.url());
		List<ParsedFeed.Entry> entries = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (SyndEntry entry : feed.getEntries()) {
			ParsedFeed.Entry parsed = entry(entry, siteLink != null ? siteLink : body.url());
			String identity = parsed.guid() != null ? "g:" + parsed.guid() : parsed.link() != null ? "l:" + parsed.link() : null;
			if (identity == null || seen.add(identity)) {
				entries.add(parsed);
			}
		}
		return new ParsedFeed(EntryCleaner.text(feed.getTitle()), siteLink, entries);
	}

	private SyndFeed build(FeedFetcher.Body body) throws FeedException {
		var input = new SyndFeedInput();
		input.setAllowDoctypes(false);
		try (var reader = new XmlReader(new ByteArrayInputStream(body.bytes()), body.contentType(), true, "UTF-8")) {
			return input.build(reader);
		}
		catch (com.rometools.rome.io.FeedException | IllegalArgumentException ex) {
			throw new FeedException(reason(ex), ex);
		}
		catch (IOException ex) {
			throw new FeedException("unreadable: " + FeedFetcher.describe(ex), ex);
		}
	}

	private static String reason(Exception ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = FeedFetcher.describe(cause);
		if (message.contains("DOCTYPE") || message.contains("doctype")) {
			return "rejected: the feed declares a DOCTYPE (external entities are refused)";
		}
		if (message.contains("Invalid document") || message.contains("not supported")) {
			return "not a feed (no RSS or Atom root element)";
		}
		return "malformed XML: " + EntryCleaner.oneLine(message);
	}

	private ParsedFeed.Entry entry(SyndEntry entry, String base) {
		String link = absolute(entry.getLink(), base);
		String guid = blankToNull(entry.getUri());
		String title = plainTitle(entry);
		if (title.isEmpty()) {
			title = link != null ? link : "(untitled)";
		}
		return new ParsedFeed.Entry(guid, title, link, author(entry), published(entry),
				EntryCleaner.clean(content(entry), link != null ? link : base));
	}

	/** Atom's type="text" titles are plain text, angle brackets and all; other titles may carry markup. */
	private static String plainTitle(SyndEntry entry) {
		SyndContent title = entry.getTitleEx();
		boolean text = title != null && "text".equalsIgnoreCase(title.getType());
		String value = title != null && title.getValue() != null ? title.getValue() : entry.getTitle();
		return text ? EntryCleaner.oneLine(value == null ? "" : value) : EntryCleaner.text(value);
	}

	private static String author(SyndEntry entry) {
		String author = entry.getAuthor();
		if ((author == null || author.isBlank()) && !entry.getAuthors().isEmpty()) {
			SyndPerson person = entry.getAuthors().get(0);
			author = person.getName() != null ? person.getName() : person.getEmail();
		}
		return blankToNull(EntryCleaner.text(author));
	}

	private static Instant published(SyndEntry entry) {
		Date date = entry.getPublishedDate() != null ? entry.getPublishedDate() : entry.getUpdatedDate();
		return date == null ? null : date.toInstant();
	}

	private static String content(SyndEntry entry) {
		for (SyndContent content : entry.getContents()) {
			if (content.getValue() != null && !content.getValue().isBlank()) {
				return asHtml(content);
			}
		}
		return entry.getDescription() == null ? "" : asHtml(entry.getDescription());
	}

	private static String asHtml(SyndContent content) {
		String type = content.getType() == null ? "" : content.getType().toLowerCase(Locale.ROOT);
		String value = content.getValue() == null ? "" : content.getValue();
		// Atom's type="text" is plain text by definition; RSS says nothing reliable (Rome calls
		// RSS 1.0 descriptions text/plain), so there markup is recognised by its look.
		boolean plain = type.equals("text") || (type.equals("text/plain") && !LOOKS_LIKE_MARKUP.matcher(value).find());
		return plain ? "<p>" + org.jsoup.nodes.Entities.escape(value) + "</p>" : value;
	}

	private static String absolute(String link, String base) {
		if (link == null || link.isBlank()) {
			return null;
		}
		try {
			URI resolved = base == null ? new URI(link.strip()) : new URI(base).resolve(link.strip().replace(" ", "%20"));
			String scheme = resolved.getScheme();
			return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
					? resolved.toString() : null;
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}

	private static boolean looksLikeHtml(byte[] bytes) {
		String head = new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.ISO_8859_1)
			.replace("\uFEFF", "").replace("ï»¿", "").stripLeading().toLowerCase(Locale.ROOT);
		while (head.startsWith("<!--")) {
			int end = head.indexOf("-->");
			head = end < 0 ? "" : head.substring(end + 3).stripLeading();
		}
		return head.startsWith("<!doctype html") || head.startsWith("<html");
	}

	private static String notAFeed(FeedFetcher.Body body) {
		var page = Jsoup.parse(new String(body.bytes(), StandardCharsets.UTF_8), body.url());
		Element alternate = page.selectFirst(
				"link[rel~=(?i)alternate][type~=(?i)application/(rss|atom)\\+xml][href]");
		return alternate == null ? "not a feed (an HTML page)"
				: "not a feed (an HTML page); it advertises the feed " + alternate.absUrl("href");
	}
}
