package org.newsletter.feed;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Safelist;

/**
 * Cleans an entry's HTML for email: a jsoup safelist of harmless markup, links only
 * {@code http}, {@code https} and {@code mailto}, relative URLs made absolute against the
 * entry, tracking pixels dropped. Applied once at ingest; what is stored is already clean.
 */
public final class EntryCleaner {

	private static final Safelist SAFELIST = Safelist.relaxed()
		.addTags("figure", "figcaption", "hr", "abbr", "del", "ins", "mark", "s", "small", "time")
		.addAttributes("abbr", "title")
		.removeProtocols("a", "href", "ftp");

	private static final Pattern STYLE_WIDTH = Pattern.compile("(?i)(?:^|;)\\s*width\\s*:\\s*([0-9.]+)\\s*(?:px)?\\s*(?:;|$)");

	private static final Pattern STYLE_HEIGHT = Pattern.compile("(?i)(?:^|;)\\s*height\\s*:\\s*([0-9.]+)\\s*(?:px)?\\s*(?:;|$)");

	private static final Pattern AT_MOST_ONE = Pattern.compile("0+(\\.0*)?|0*1(\\.0*)?");

	private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false);

	/** The longest cleaned HTML kept for an entry, in characters; longer HTML is cut at a tag. */
	public static final int MAX_LENGTH = 65_536;

	private EntryCleaner() {
	}

	/**
	 * An entry's content cleaned.
	 *
	 * @param html the cleaned HTML, at most {@link #MAX_LENGTH} characters
	 * @param text its readable text ({@link EntryText}), made from the whole of it
	 */
	public record Cleaned(String html, String text) {

		static final Cleaned EMPTY = new Cleaned("", "");
	}

	/** The cleaned HTML of an entry; {@code baseUri} resolves relative links (may be empty). */
	public static String clean(String html, String baseUri) {
		return cleaned(html, baseUri).html();
	}

	/** An entry's HTML cleaned, and its readable text; {@code baseUri} resolves relative links (may be empty). */
	public static Cleaned cleaned(String html, String baseUri) {
		if (html == null || html.isBlank()) {
			return Cleaned.EMPTY;
		}
		String base = baseUri == null ? "" : baseUri;
		Document dirty = Jsoup.parseBodyFragment(html, base);
		dirty.select("img").forEach(EntryCleaner::dropTrackingPixel);
		Document clean = new org.jsoup.safety.Cleaner(SAFELIST).clean(dirty);
		clean.outputSettings(OUTPUT);
		String cleaned = clean.body().html().strip();
		return new Cleaned(cleaned.length() <= MAX_LENGTH ? cleaned : cut(cleaned), EntryText.of(clean));
	}

	/**
	 * The first {@link #MAX_LENGTH} characters of clean HTML, never ending inside a tag, an
	 * entity or a surrogate pair, with the elements the cut leaves open closed again.
	 */
	private static String cut(String html) {
		int end = MAX_LENGTH;
		if (Character.isHighSurrogate(html.charAt(end - 1))) {
			end--;
		}
		String head = html.substring(0, end);
		int tag = head.lastIndexOf('<');
		if (tag > head.lastIndexOf('>')) {
			head = head.substring(0, tag);
		}
		int entity = head.lastIndexOf('&');
		if (entity > head.lastIndexOf(';')) {
			head = head.substring(0, entity);
		}
		Document document = Jsoup.parseBodyFragment(head);
		document.outputSettings(OUTPUT);
		return document.body().html().strip();
	}

	/** Plain text of a piece of feed markup (titles, authors): no tags, entities decoded, one line. */
	public static String text(String markup) {
		if (markup == null) {
			return "";
		}
		String text = markup.indexOf('<') >= 0 || markup.indexOf('&') >= 0 ? Jsoup.parse(markup).text() : markup;
		return oneLine(text);
	}

	/**
	 * Control characters (C0, DEL, C1) and line or paragraph separators become spaces, runs of
	 * white space one space: feed text can never break a line of a mail header or the terminal.
	 */
	public static String oneLine(String text) {
		return text.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", " ").replaceAll("\\s+", " ").strip();
	}

	/** An image at most 1×1, by its attributes or its inline style (which the cleaner removes), is a tracker. */
	private static void dropTrackingPixel(Element img) {
		if (isTiny(img, "width") && isTiny(img, "height")) {
			img.remove();
		}
	}

	private static boolean isTiny(Element img, String dimension) {
		Matcher style = (dimension.equals("width") ? STYLE_WIDTH : STYLE_HEIGHT).matcher(img.attr("style"));
		String size = style.find() ? style.group(1) : img.attr(dimension).strip().replace("px", "");
		return AT_MOST_ONE.matcher(size).matches();
	}
}
