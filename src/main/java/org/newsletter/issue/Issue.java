package org.newsletter.issue;

import java.time.Instant;

/**
 * One issue of the newsletter: the entries of one window, rendered once. The bodies hold
 * placeholders for the few personal parts, filled per subscriber when a message is built.
 *
 * @param id the issue's id
 * @param jobInstanceId the weekly-digest job instance that composed it (one issue per instance)
 * @param cutoff the end of its window
 * @param windowStart the exclusive start of its window
 * @param dryRun composed by a dry run: never counts as sent
 * @param status {@code COMPOSED} until every subscriber has had it, then {@code SENT}
 * @param subject the subject line, plain text on one line
 * @param personalToken a random token that makes the placeholders unguessable by feed authors
 * @param bodyHtml the HTML body with placeholders
 * @param bodyText the plain-text body with placeholders
 * @param entryCount how many entries it carries
 * @param sourceCount from how many sources
 */
public record Issue(long id, long jobInstanceId, Instant cutoff, Instant windowStart, boolean dryRun, String status,
		String subject, String personalToken, String bodyHtml, String bodyText, int entryCount, int sourceCount) {

	/** The personal parts of a message, in the bodies as {@link #placeholder(Personal)}. */
	public enum Personal {

		/** The greeting line, e.g. "Hello Ada,". */
		GREETING,

		/** The subscriber's one-click unsubscribe link. */
		UNSUBSCRIBE_URL
	}

	/** The text standing for {@code part} in the bodies until a message is built. */
	public String placeholder(Personal part) {
		return placeholder(personalToken, part);
	}

	static String placeholder(String token, Personal part) {
		return "%%" + token + "." + part.name() + "%%";
	}
}
