package org.newsletter.issue;

import java.util.ArrayList;
import java.util.List;

/**
 * What an issue says, grouped and ordered, before it is rendered.
 *
 * @param title the newsletter's title
 * @param number the issue's number: 1 for the first sent issue, and so on (a dry run does not count)
 * @param dateRange the window as the reader reads it, e.g. "17 Mar 2026 – 24 Mar 2026"
 * @param sources the groups whose entries are shown in full, by source title (case-insensitive)
 * @param entryCount entries over all groups, wherever they are shown
 * @param headlines the titles that lead the subject and the preheader, in that order (see
 *     {@link IssueComposer#headlines})
 * @param briefs entries past the email's size budget, shown as linked titles only
 * @param webOnly entries past the briefs, only in the web version (the archive page)
 * @param archiveUrl where the issue can be read in a browser
 * @param baseUrl the newsletter's public address
 * @param sender who sends it, with a contact address, for the footer; empty when not configured
 */
public record IssueContent(String title, int number, String dateRange, List<Source> sources, int entryCount,
		List<String> headlines, List<Brief> briefs, int webOnly, String archiveUrl, String baseUrl, String sender) {

	/** The subject's longest length: mail clients show about this much of it. */
	static final int SUBJECT_LENGTH = 80;

	/**
	 * One source's entries.
	 *
	 * @param anchor an id for in-page links
	 * @param more entries left out by the per-source cap
	 */
	public record Source(String name, String anchor, String siteLink, List<Entry> entries, int more) {
	}

	/**
	 * One entry as the reader sees it.
	 *
	 * @param date its date in the reader's locale and time zone
	 * @param summary plain text, at most summary-words words
	 */
	public record Entry(long id, String title, String link, String author, String date, String summary) {
	}

	/** An entry past the size budget: its title, linked, and its source. */
	public record Brief(long id, String title, String link, String source) {
	}

	/** Whether the size budget moved entries out of the full listing. */
	public boolean cut() {
		return !briefs.isEmpty() || webOnly > 0;
	}

	/** Entries shown in full. */
	public int fullCount() {
		return sources.stream().mapToInt(s -> s.entries().size()).sum();
	}

	/**
	 * The headlines part of the subject after "title #number: ": the first one or two headlines and
	 * how many more, cut at a word so that the whole subject stays within {@value #SUBJECT_LENGTH}
	 * characters, e.g. "Rewriting a 20-year-old Python library, and 32 more".
	 */
	public String lead() {
		int room = SUBJECT_LENGTH - (title + " #" + number + ": ").length();
		if (headlines.isEmpty()) {
			return entryCount + " new post" + (entryCount != 1 ? "s" : "");
		}
		String first = headlines.get(0);
		if (headlines.size() > 1) {
			String two = first + (entryCount > 2 ? ", " : " and ") + headlines.get(1) + more(2);
			if (two.length() <= room) {
				return two;
			}
		}
		String one = first + more(1);
		if (one.length() <= room) {
			return one;
		}
		String suffix = more(1);
		return cutAtWord(first, Math.max(10, room - suffix.length() - 1)) + "…" + suffix;
	}

	/** The headlines {@link #lead()} leaves out, for the preheader. */
	public List<String> teaser() {
		int used = headlines.size() > 1 && lead().contains(headlines.get(1)) ? 2 : 1;
		return headlines.subList(Math.min(used, headlines.size()), headlines.size());
	}

	private String more(int shown) {
		return entryCount > shown && !(shown == 2 && entryCount == 2) ? ", and " + (entryCount - shown) + " more" : "";
	}

	private static String cutAtWord(String text, int length) {
		if (text.length() <= length) {
			return text;
		}
		int space = text.lastIndexOf(' ', length);
		return (space > length / 2 ? text.substring(0, space) : text.substring(0, length)).replaceAll("[\\p{Punct}\\s]+$", "");
	}

	/**
	 * This content (not yet cut) with only its first {@code full} entries shown in full, in the
	 * order they are listed, the next {@code brief} as briefs, and the rest counted as web only.
	 * A source's "and N more" stays only when all its entries are shown in full.
	 */
	IssueContent cut(int full, int brief) {
		List<Source> kept = new ArrayList<>();
		List<Brief> briefs = new ArrayList<>();
		int seen = 0;
		for (Source source : sources) {
			List<Entry> shown = new ArrayList<>();
			for (Entry entry : source.entries()) {
				if (seen < full) {
					shown.add(entry);
				}
				else if (seen < full + brief) {
					briefs.add(new Brief(entry.id(), entry.title(), entry.link(), source.name()));
				}
				seen++;
			}
			if (!shown.isEmpty()) {
				kept.add(new Source(source.name(), source.anchor(), source.siteLink(), shown,
						shown.size() == source.entries().size() ? source.more() : 0));
			}
		}
		return new IssueContent(title, number, dateRange, kept, entryCount, headlines, briefs,
				Math.max(0, seen - full - brief), archiveUrl, baseUrl, sender);
	}
}
