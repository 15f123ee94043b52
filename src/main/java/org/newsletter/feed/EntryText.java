package org.newsletter.feed;

import java.text.BreakIterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.newsletter.config.NewsletterProperties;

/**
 * An entry's readable text, the stuff of its summary: the text of its cleaned HTML without
 * code blocks, tables, figures and the lines blog platforms append ("The post ... appeared
 * first on"), ending at the feed's own excerpt mark ("[…]"). Made once, when the entry is
 * stored, from the document the cleaner already parsed; an issue then only counts words.
 */
public final class EntryText {

	/** The most words kept, and so the most {@code newsletter.summary-words} can ask for. */
	public static final int MAX_WORDS = NewsletterProperties.MAX_SUMMARY_WORDS;

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

	/**
	 * An entry's summary from its readable text: a lead that repeats {@code title} (a heading or
	 * first paragraph saying the title again) is dropped, then at most {@code words} words are
	 * kept, ending at the end of a sentence when one ends within them (and keeps at least a
	 * quarter of them: a lone "Hi all!" says less than a cut sentence), else cut at a word and
	 * marked with an ellipsis.
	 */
	public static String summary(String text, String title, int words) {
		String body = withoutTitle(text, title);
		int end = start(body, words + 1);
		if (end < 0) {
			return body;
		}
		String cut = shorten(body, words);
		BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
		sentences.setText(body);
		int boundary = sentences.isBoundary(end) ? end : sentences.preceding(end);
		while (boundary > 0) {
			String sentence = body.substring(0, boundary).strip();
			if (SENTENCE_END.matcher(sentence).find()) {
				return countWords(sentence) * 4 >= words ? sentence : cut;
			}
			boundary = sentences.preceding(boundary);
		}
		return cut;
	}

	/** Ends a sentence: a full stop, question or exclamation mark, maybe inside closing quotes or brackets. */
	private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"'”’)\\]]*$");

	/** The fewest letters and digits of a title that a text's lead is checked against. */
	private static final int MIN_TITLE = 12;

	/** What may follow a repeated title before the text goes on: punctuation and spaces. */
	private static final Pattern AFTER_TITLE = Pattern.compile("^[^\\p{L}\\p{N}]*");

	/**
	 * {@code text} without a lead that repeats {@code title}: the same letters and digits in the
	 * same order, whatever the case, spacing, punctuation or emoji between them; empty when that
	 * is all there is, for a summary of nothing but the title says nothing. A short title (under
	 * {@value #MIN_TITLE} letters and digits) is left alone: "Python" starting a text is no heading.
	 */
	static String withoutTitle(String text, String title) {
		String key = title.codePoints()
			.filter(Character::isLetterOrDigit)
			.map(Character::toLowerCase)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		if (key.codePointCount(0, key.length()) < MIN_TITLE) {
			return text;
		}
		int matched = 0;
		int at = 0;
		while (at < text.length() && matched < key.length()) {
			int c = text.codePointAt(at);
			if (Character.isLetterOrDigit(c)) {
				if (Character.toLowerCase(c) != key.codePointAt(matched)) {
					return text;
				}
				matched += Character.charCount(Character.toLowerCase(c));
			}
			at += Character.charCount(c);
		}
		if (matched < key.length() || (at < text.length() && Character.isLetterOrDigit(text.codePointAt(at)))) {
			return text; // shorter than the title, or the title is only the start of a longer word
		}
		Matcher rest = AFTER_TITLE.matcher(text.substring(at));
		return text.substring(at + (rest.find() ? rest.end() : 0));
	}

	private static int countWords(String text) {
		String stripped = text.strip();
		return stripped.isEmpty() ? 0 : SPACES.split(stripped).length;
	}

	/** At most {@code words} words of a readable text, cut at a word and then marked with an ellipsis. */
	public static String shorten(String text, int words) {
		int next = start(text, words + 1);
		return next < 0 ? text : ellipsis(SPACES.matcher(text.substring(0, next).strip()).replaceAll(" "));
	}

	/** Where the {@code n}th word of {@code text} starts, found without splitting the whole text; -1 without one. */
	private static int start(String text, int n) {
		int count = 0;
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			boolean space = WHITESPACE.indexOf(text.charAt(i)) >= 0;
			if (!space && !inWord && ++count == n) {
				return i;
			}
			inWord = !space;
		}
		return -1;
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
