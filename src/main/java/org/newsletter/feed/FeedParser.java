package org.newsletter.feed;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndPerson;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.WireFeedInput;
import com.rometools.rome.io.impl.XmlFixerReader;
import org.jdom2.Document;
import org.jdom2.Element;
import org.jdom2.JDOMException;
import org.jdom2.input.JDOMParseException;
import org.jdom2.input.SAXBuilder;
import org.jdom2.output.Format;
import org.jdom2.output.XMLOutputter;
import org.jsoup.Jsoup;

import org.springframework.stereotype.Component;

/**
 * Parses feed bytes with Rome (RSS 0.9x, 1.0, 2.0, Atom), DOCTYPEs refused, and turns each
 * entry into plain-text fields and cleaned HTML.
 */
@Component
public class FeedParser {

	private static final String XHTML = "http://www.w3.org/1999/xhtml";

	private static final Pattern LOOKS_LIKE_MARKUP = Pattern
		.compile("</?[a-zA-Z][a-zA-Z0-9]*(\\s[^>]*)?/?>|&(#\\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);");

	/** Each fetch thread keeps its SAX builder, and the parser in it, from feed to feed. */
	private final ThreadLocal<SAXBuilder> builders = ThreadLocal.withInitial(() -> new SecureInput().builder());

	/** Parses {@code body}; {@code url} is where it came from (for relative links). */
	public ParsedFeed parse(FeedFetcher.Body body) throws FeedException {
		String text = FeedCharset.decode(body.bytes(), body.contentType());
		if (looksLikeHtml(text)) {
			throw new FeedException(notAFeed(text, body.url()));
		}
		Document document = read(text);
		FeedDates.canonicalize(document);
		SyndFeed feed = build(document);
		List<String> bodies = itemBodies(document, feed.getEntries().size());
		String siteLink = absolute(feed.getLink(), body.url());
		List<ParsedFeed.Entry> entries = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (int i = 0; i < feed.getEntries().size(); i++) {
			ParsedFeed.Entry parsed = entry(feed.getEntries().get(i), bodies.get(i),
					siteLink != null ? siteLink : body.url());
			String identity = parsed.guid() != null ? "g:" + parsed.guid() : parsed.link() != null ? "l:" + parsed.link() : null;
			if (identity == null || seen.add(identity)) {
				entries.add(parsed);
			}
		}
		return new ParsedFeed(EntryCleaner.text(feed.getTitle()), siteLink, entries);
	}

	/** The XML document, read with Rome's own secure SAX set-up: DOCTYPEs refused, so no entity of any kind. */
	private Document read(String text) throws FeedException {
		try {
			return SecureInput.document(builders.get(), text);
		}
		catch (JDOMException ex) {
			throw new FeedException(reason(ex), ex);
		}
		catch (IOException ex) {
			throw new FeedException("unreadable: " + FeedFetcher.describe(ex), ex);
		}
	}

	private static SyndFeed build(Document document) throws FeedException {
		Element root = document.getRootElement();
		if (root.getName().equals("rss") && root.getChildren().stream().noneMatch(e -> e.getName().equals("channel"))) {
			throw new FeedException("not a feed (an <rss> element without a <channel>)");
		}
		try {
			return new SyndFeedInput().build(document);
		}
		catch (IllegalArgumentException ex) {
			// Rome's "Invalid document": no parser of its knows this root element
			String version = root.getAttributeValue("version");
			throw new FeedException("not a feed (no RSS or Atom root element; the root is <" + root.getQualifiedName()
					+ (version == null ? "" : " version=\"" + EntryCleaner.oneLine(version) + "\"") + ">)", ex);
		}
		catch (com.rometools.rome.io.FeedException ex) {
			throw new FeedException(reason(ex), ex);
		}
		catch (RuntimeException ex) {
			// Rome's parsers trust the document's shape; an odd one can break them
			throw new FeedException("cannot be read as RSS or Atom: " + EntryCleaner.oneLine(FeedFetcher.describe(ex)), ex);
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
		String line = ex instanceof JDOMParseException parse && parse.getLineNumber() > 0
				? " (line " + parse.getLineNumber() + ")" : "";
		return "malformed XML" + line + ": " + EntryCleaner.oneLine(message);
	}

	private ParsedFeed.Entry entry(SyndEntry entry, String itemBody, String base) {
		String link = absolute(entry.getLink(), base);
		String guid = blankToNull(entry.getUri());
		EntryCleaner.Cleaned content = EntryCleaner.cleaned(content(entry, itemBody), link != null ? link : base);
		return new ParsedFeed.Entry(guid, plainTitle(entry), link, author(entry), published(entry), content.html(),
				content.text());
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

	/** The fullest HTML the entry has: its content, else an RSS item's body, else its description. */
	private static String content(SyndEntry entry, String itemBody) {
		for (SyndContent content : entry.getContents()) {
			if (content.getValue() != null && !content.getValue().isBlank()) {
				return asHtml(content);
			}
		}
		if (!itemBody.isBlank()) {
			return itemBody;
		}
		return entry.getDescription() == null ? "" : asHtml(entry.getDescription());
	}

	/**
	 * The HTML of each RSS item's {@code <xhtml:body>}, {@code <body>} or {@code <fullitem>}
	 * (extensions Rome ignores, some feeds carry their whole text in), in the order of Rome's
	 * entries; empty where an item has none, or when the items cannot be matched to the entries.
	 */
	private static List<String> itemBodies(Document document, int entries) {
		List<Element> items = new ArrayList<>();
		for (Element child : document.getRootElement().getChildren()) {
			if (child.getName().equals("item")) {
				items.add(child);
			}
			child.getChildren().stream().filter(e -> e.getName().equals("item")).forEach(items::add);
		}
		if (items.size() != entries) {
			return java.util.Collections.nCopies(entries, "");
		}
		return items.stream().map(FeedParser::itemBody).toList();
	}

	private static String itemBody(Element item) {
		for (Element child : item.getChildren()) {
			String namespace = child.getNamespaceURI();
			if (child.getName().equals("body") && (namespace.isEmpty() || namespace.equals(XHTML))) {
				return new XMLOutputter(Format.getRawFormat()).outputString(child.getContent());
			}
			if (child.getName().equals("fullitem") && namespace.isEmpty()) {
				return child.getText();
			}
		}
		return "";
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

	/** An HTML page: {@code <html>} first, or an HTML DOCTYPE not followed by a feed's root element. */
	private static boolean looksLikeHtml(String text) {
		String head = skipProlog(text.substring(0, Math.min(text.length(), 2048)).toLowerCase(Locale.ROOT));
		if (head.startsWith("<!doctype html")) {
			String root = skipProlog(head.substring(head.indexOf('>') + 1));
			return !(root.startsWith("<rss") || root.startsWith("<feed") || root.startsWith("<rdf:rdf"));
		}
		return head.startsWith("<html");
	}

	/** {@code text} from its first tag that is not an XML declaration, processing instruction or comment. */
	private static String skipProlog(String text) {
		String head = text.replace("\uFEFF", "").stripLeading();
		while (head.startsWith("<!--") || head.startsWith("<?")) {
			boolean comment = head.startsWith("<!--");
			int end = head.indexOf(comment ? "-->" : "?>");
			head = end < 0 ? "" : head.substring(end + (comment ? 3 : 2)).stripLeading();
		}
		return head;
	}

	private static String notAFeed(String text, String url) {
		var page = Jsoup.parse(text, url);
		org.jsoup.nodes.Element alternate = page.selectFirst(
				"link[rel~=(?i)alternate][type~=(?i)application/(rss|atom)\\+xml][href]");
		return alternate == null ? "not a feed (an HTML page)"
				: "not a feed (an HTML page); it advertises the feed " + alternate.absUrl("href");
	}

	/**
	 * Rome's own SAX set-up (external entities off, DOCTYPEs refused), reading the document once
	 * for both uses.
	 */
	private static final class SecureInput extends WireFeedInput {

		/** What Rome's XML fixer would change: an ampersand that is not an XML reference, leading space or comment. */
		private static final Pattern NEEDS_FIXING = Pattern
			.compile("&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)|\\A(?:\\s|<!--)");

		SecureInput() {
			setAllowDoctypes(false);
		}

		SAXBuilder builder() {
			return createSAXBuilder();
		}

		static Document document(SAXBuilder builder, String text) throws JDOMException, IOException {
			// Rome's fixer turns HTML entities into references and bare ampersands into &amp;,
			// a character at a time: only the documents that need it go through it.
			Reader reader = new StringReader(text);
			return builder.build(NEEDS_FIXING.matcher(text).find() ? new XmlFixerReader(reader) : reader);
		}
	}
}
