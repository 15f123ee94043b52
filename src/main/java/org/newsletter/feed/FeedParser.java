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
import org.newsletter.config.NewsletterProperties;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.XMLFilterImpl;

import org.springframework.stereotype.Component;

/**
 * Parses feed bytes with Rome (RSS 0.9x, 1.0, 2.0, Atom), DOCTYPEs refused, nesting bounded,
 * within the feed's deadline, and turns each entry into plain-text fields and cleaned HTML.
 */
@Component
public class FeedParser {

	private static final String XHTML = "http://www.w3.org/1999/xhtml";

	private static final Pattern LOOKS_LIKE_MARKUP = Pattern
		.compile("</?[a-zA-Z][a-zA-Z0-9]*(\\s[^>]*)?/?>|&(#\\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);");

	/** Each fetch thread keeps its SAX builder, and the parser in it, from feed to feed. */
	private final ThreadLocal<SecureInput> inputs;

	public FeedParser(NewsletterProperties properties) {
		int maxDepth = properties.fetch().maxDepth();
		this.inputs = ThreadLocal.withInitial(() -> new SecureInput(maxDepth));
	}

	/** {@link #parse(FeedFetcher.Body, Deadline)} with no deadline, for a body already at hand (tests, fixtures). */
	public ParsedFeed parse(FeedFetcher.Body body) throws FeedException {
		return parse(body, Deadline.NONE);
	}

	/**
	 * Parses {@code body} by {@code deadline}: decodes it ({@link FeedCharset}: its declared or
	 * sniffed charset), refuses an HTML page, reads the XML (DOCTYPEs refused, nesting bounded),
	 * and makes each entry's plain-text fields and cleaned HTML, relative links made absolute
	 * against the feed's site link or else {@code body.url()}. Of entries with the same guid (or,
	 * without one, the same link) only the first is kept.
	 * @throws FeedException with the reason: not a feed, unreadable, nested too deep, or
	 *     "timed out" when the deadline passes first
	 */
	public ParsedFeed parse(FeedFetcher.Body body, Deadline deadline) throws FeedException {
		String text = FeedCharset.decode(body.bytes(), body.contentType());
		if (looksLikeHtml(text)) {
			throw new FeedException(notAFeed(text, body.url()));
		}
		Document document = read(text, deadline);
		FeedDates.canonicalize(document);
		SyndFeed feed = build(document);
		deadline.check();
		List<String> bodies = itemBodies(document, feed.getEntries().size());
		String siteLink = absolute(feed.getLink(), body.url());
		List<ParsedFeed.Entry> entries = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (int i = 0; i < feed.getEntries().size(); i++) {
			// each entry's HTML is parsed and cleaned: with many entries, that is most of the time
			deadline.check();
			ParsedFeed.Entry parsed = entry(feed.getEntries().get(i), bodies.get(i),
					siteLink != null ? siteLink : body.url());
			String identity = parsed.guid() != null ? "g:" + parsed.guid() : parsed.link() != null ? "l:" + parsed.link() : null;
			if (identity == null || seen.add(identity)) {
				entries.add(parsed);
			}
		}
		return new ParsedFeed(EntryCleaner.text(feed.getTitle()), siteLink, entries);
	}

	/**
	 * The XML document, read with Rome's own secure SAX set-up: DOCTYPEs refused, so no entity of
	 * any kind; nesting and time bounded as the parser reads, before the document is built.
	 */
	private Document read(String text, Deadline deadline) throws FeedException {
		try {
			return inputs.get().document(text, deadline);
		}
		catch (JDOMException ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof Bounds.Exceeded exceeded) {
					throw exceeded.failure;
				}
			}
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
	 * for both uses, through {@link Bounds}.
	 */
	private static final class SecureInput extends WireFeedInput {

		/** What Rome's XML fixer would change: an ampersand that is not an XML reference, leading space or comment. */
		private static final Pattern NEEDS_FIXING = Pattern
			.compile("&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)|\\A(?:\\s|<!--)");

		private final SAXBuilder builder;

		private final Bounds bounds;

		SecureInput(int maxDepth) {
			setAllowDoctypes(false);
			builder = createSAXBuilder();
			bounds = new Bounds(maxDepth);
			builder.setXMLFilter(bounds);
		}

		Document document(String text, Deadline deadline) throws JDOMException, IOException {
			bounds.start(deadline);
			// Rome's fixer turns HTML entities into references and bare ampersands into &amp;,
			// a character at a time: only the documents that need it go through it.
			Reader reader = new StringReader(text);
			return builder.build(NEEDS_FIXING.matcher(text).find() ? new XmlFixerReader(reader) : reader);
		}
	}

	/**
	 * Between the SAX parser and JDOM: stops the parse at the first element nested deeper than
	 * max-depth, or read after the deadline. JDOM checks each element it adds against all its
	 * ancestors, so a document nested 100,000 deep took hours, and what walks a document
	 * recursively overflows the stack long before; refused here, nothing deep is ever built.
	 */
	private static final class Bounds extends XMLFilterImpl {

		private final int maxDepth;

		private int depth;

		private Deadline deadline = Deadline.NONE;

		Bounds(int maxDepth) {
			this.maxDepth = maxDepth;
		}

		void start(Deadline deadline) {
			this.deadline = deadline;
			depth = 0;
		}

		@Override
		public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
			if (++depth > maxDepth) {
				throw new Exceeded(new FeedException("nested deeper than " + maxDepth + " elements"));
			}
			if (deadline.passed()) {
				throw new Exceeded(deadline.timedOut(null));
			}
			super.startElement(uri, localName, qName, atts);
		}

		@Override
		public void endElement(String uri, String localName, String qName) throws SAXException {
			depth--;
			super.endElement(uri, localName, qName);
		}

		/** Ends the parse; JDOM passes it on as the cause of its exception. */
		static final class Exceeded extends SAXException {

			final transient FeedException failure;

			Exceeded(FeedException failure) {
				super(failure.getMessage());
				this.failure = failure;
			}
		}
	}
}
