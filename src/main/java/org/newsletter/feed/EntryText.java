package org.newsletter.feed;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * An entry's readable text, the stuff of its summary: the text of its cleaned HTML without
 * code blocks, tables, figures and the lines blog platforms append ("The post ... appeared
 * first on"), ending at the feed's own excerpt mark ("[…]"). Made once, when the entry is
 * stored, from the document the cleaner already parsed; an issue then only counts words.
 */
public final class EntryText {

	/** The most words kept, and so the most {@code newsletter.summary-words} can ask for. */
	public static final int MAX_WORDS = 300;

	/** The most characters kept, however long the words. */
	public static final int MAX_LENGTH = 16_000;

	/** Paragraphs that blog platforms append to every entry: WordPress, Discourse. */
	private static final Pattern BOILERPLATE = Pattern.compile(
			"The post .+ appeared first on .+|Read full topic|\\d+ posts? - \\d+ participants?( Read full topic)?");

	/** How many of the last paragraphs may be such lines. */
	private static final int APPENDED_PARAGRAPHS = 3;

	/** How feeds mark an excerpt: "[…]", "[...]", "[&hellip;]" once decoded. */
	private static final Pattern EXCERPT_MARK = Pattern.compile("\\[(…|\\.\\.\\.)\\]");

	/** What separates words: the white space of {@code \s} in a regular expression. */
	private static final String WHITESPACE = " \t\n\u000B\f\r";

	private static final Pattern SPACES = Pattern.compile("\\s+");

	/** What a cut text loses at its end before its ellipsis: ASCII punctuation but closing brackets and quotes. */
	private static final String DROPPED_AT_CUT = "!#$%&(*+,-./:;<=>?@[\\^_`{|}~";

	private EntryText() {
	}

	/**
	 * The readable text of {@code document} (which this changes), at most {@value #MAX_WORDS}
	 * words; it ends with an ellipsis when the feed's excerpt mark or the bound cut it.
	 */
	public static String of(Document document) {
		document.select("pre, table, figure").remove();
		// platforms append their lines at the end: only the last paragraphs are read for them
		List<Element> paragraphs = document.select("p");
		paragraphs.subList(Math.max(0, paragraphs.size() - APPENDED_PARAGRAPHS), paragraphs.size())
			.stream()
			.filter(p -> BOILERPLATE.matcher(p.text()).matches())
			.toList()
			.forEach(Element::remove);
		String text = document.text().strip();
		Matcher mark = EXCERPT_MARK.matcher(text);
		boolean cut = mark.find();
		if (cut) {
			text = text.substring(0, mark.start()).strip();
		}
		String kept = cut ? ellipsis(text) : shorten(text, MAX_WORDS);
		if (kept.length() <= MAX_LENGTH) {
			return kept;
		}
		int end = kept.lastIndexOf(' ', MAX_LENGTH - 1);
		if (end <= 0) {
			end = Character.isHighSurrogate(kept.charAt(MAX_LENGTH - 2)) ? MAX_LENGTH - 2 : MAX_LENGTH - 1;
		}
		return ellipsis(kept.substring(0, end));
	}

	/** At most {@code words} words of a readable text, cut at a word and then marked with an ellipsis. */
	public static String shorten(String text, int words) {
		// where the word after the last one kept starts, found without splitting the whole text
		int count = 0;
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			boolean space = WHITESPACE.indexOf(text.charAt(i)) >= 0;
			if (!space && !inWord && ++count > words) {
				return ellipsis(SPACES.matcher(text.substring(0, i).strip()).replaceAll(" "));
			}
			inWord = !space;
		}
		return text;
	}

	private static String ellipsis(String text) {
		int end = text.length();
		while (end > 0 && droppedAtCut(text.charAt(end - 1))) {
			end--;
		}
		return text.isEmpty() ? text : text.substring(0, end) + "…";
	}

	private static boolean droppedAtCut(char c) {
		return DROPPED_AT_CUT.indexOf(c) >= 0 || WHITESPACE.indexOf(c) >= 0;
	}
}
