package org.newsletter.feed;

import java.time.Instant;
import java.util.List;

/**
 * A feed as parsed: its own title and site, and its entries, already cleaned.
 *
 * @param title the feed's title (plain text), may be empty
 * @param siteLink the site the feed belongs to, may be null
 * @param entries one per identity, in feed order
 */
public record ParsedFeed(String title, String siteLink, List<Entry> entries) {

	/**
	 * One entry of a feed.
	 *
	 * @param guid the feed's id for the entry (RSS guid, Atom id), may be null
	 * @param title plain text, never null; empty when the feed gives none (or only markup)
	 * @param link absolute link to the entry, may be null
	 * @param author plain text, may be null
	 * @param published when it was published (or else updated); null when missing or unreadable
	 * @param contentHtml the entry's HTML, cleaned for email
	 * @param text its readable text, the stuff of its summary ({@link EntryText})
	 */
	public record Entry(String guid, String title, String link, String author, Instant published, String contentHtml,
			String text) {
	}
}
