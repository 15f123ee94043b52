package org.newsletter.issue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which entries go into the issue with a given cutoff (DESIGN.md §4). An entry is eligible
 * when it was never part of a sent issue, is not a feed's back catalogue, and its date (or,
 * without one, when it was first seen) lies in the window {@code (start, cutoff]}.
 */
@Component
public class Eligibility {

	private final JdbcClient jdbc;

	public Eligibility(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The window of an issue: open at its start, closed at its end ({@link #candidates} applies it).
	 *
	 * @param start exclusive lower bound
	 * @param end the cutoff, inclusive
	 */
	public record Window(Instant start, Instant end) {
	}

	/**
	 * An eligible entry with its source.
	 *
	 * @param published its date, or when it was first seen when it has none
	 * @param text its readable text; null for an entry stored before it was kept (V7)
	 * @param contentHtml its cleaned HTML; only read for an entry without {@code text}
	 */
	public record Candidate(long id, long feedId, String source, String siteLink, String title, String link,
			String author, Instant published, String text, String contentHtml) {
	}

	/**
	 * The window for {@code cutoff}: from the previous sent issue's cutoff less
	 * {@code lateness}, or on the first run from {@code cutoff - firstRunLookback}.
	 */
	public static Window window(Instant cutoff, Optional<Instant> previousCutoff, Duration lateness,
			Duration firstRunLookback) {
		Instant start = previousCutoff.map(p -> p.minus(lateness)).orElseGet(() -> cutoff.minus(firstRunLookback));
		return new Window(start, cutoff);
	}

	/** The cutoff of the latest sent (not dry-run) issue before {@code cutoff}, if any. */
	public Optional<Instant> previousCutoff(Instant cutoff) {
		return jdbc.sql("SELECT MAX(cutoff) FROM issue WHERE status = 'SENT' AND dry_run = FALSE AND cutoff < ?")
			.param(Timestamp.from(cutoff))
			.query(Instant.class)
			.optional();
	}

	/** The entries eligible in {@code window}, in no particular order. */
	public List<Candidate> candidates(Window window) {
		return jdbc.sql("""
				SELECT e.id, f.id AS feed_id, f.title AS source, f.site_link, e.title, e.link, e.author,
				       COALESCE(e.published_at, e.first_seen_at) AS published, e.summary_text AS text,
				       CASE WHEN e.summary_text IS NULL THEN e.content_html END AS content_html
				FROM entry e JOIN feed f ON f.id = e.feed_id
				WHERE e.backlog = FALSE
				  AND COALESCE(e.published_at, e.first_seen_at) > ?
				  AND COALESCE(e.published_at, e.first_seen_at) <= ?
				  AND NOT EXISTS (SELECT 1 FROM issue_entry ie JOIN issue i ON i.id = ie.issue_id
				                  WHERE ie.entry_id = e.id AND i.status = 'SENT' AND i.dry_run = FALSE)""")
			.params(Timestamp.from(window.start()), Timestamp.from(window.end()))
			// mapped by hand: thousands of rows through a reflective row mapper are a tenth of composing
			.query(Eligibility::candidate)
			.list();
	}

	/** The entries issue {@code issueId} carries (their text as it is now: an edit since shows). */
	public List<Candidate> carriedBy(long issueId) {
		return jdbc.sql("""
				SELECT e.id, f.id AS feed_id, f.title AS source, f.site_link, e.title, e.link, e.author,
				       COALESCE(e.published_at, e.first_seen_at) AS published, e.summary_text AS text,
				       CASE WHEN e.summary_text IS NULL THEN e.content_html END AS content_html
				FROM issue_entry ie JOIN entry e ON e.id = ie.entry_id JOIN feed f ON f.id = e.feed_id
				WHERE ie.issue_id = ?""")
			.param(issueId)
			.query(Eligibility::candidate)
			.list();
	}

	private static Candidate candidate(ResultSet rs, int row) throws SQLException {
		return new Candidate(rs.getLong("id"), rs.getLong("feed_id"), rs.getString("source"), rs.getString("site_link"),
				rs.getString("title"), rs.getString("link"), rs.getString("author"), rs.getTimestamp("published").toInstant(),
				rs.getString("text"), rs.getString("content_html"));
	}
}
