package org.newsletter.feed;

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

	private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false);

	private EntryCleaner() {
	}

	/** The cleaned HTML of an entry; {@code baseUri} resolves relative links (may be empty). */
	public static String clean(String html, String baseUri) {
		if (html == null || html.isBlank()) {
			return "";
		}
		String base = baseUri == null ? "" : baseUri;
		Document dirty = Jsoup.parseBodyFragment(html, base);
		dirty.select("img").forEach(EntryCleaner::dropTrackingPixel);
		Document clean = new org.jsoup.safety.Cleaner(SAFELIST).clean(dirty);
		clean.outputSettings(OUTPUT);
		return clean.body().html().strip();
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

	private static void dropTrackingPixel(Element img) {
		if (isTiny(img.attr("width")) && isTiny(img.attr("height"))) {
			img.remove();
		}
	}

	private static boolean isTiny(String size) {
		String digits = size.strip().replace("px", "");
		return digits.equals("0") || digits.equals("1");
	}
}
