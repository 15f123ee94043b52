package org.newsletter.issue;

import java.util.List;

/**
 * What an issue says, grouped and ordered, before it is rendered.
 *
 * @param title the newsletter's title
 * @param dateRange the window as the reader reads it, e.g. "17 Mar 2026 – 24 Mar 2026"
 * @param sources the groups, by source title (case-insensitive)
 * @param entryCount entries over all groups
 * @param archiveUrl where the issue can be read in a browser
 * @param baseUrl the newsletter's public address
 */
public record IssueContent(String title, String dateRange, List<Source> sources, int entryCount, String archiveUrl,
		String baseUrl) {

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
}
