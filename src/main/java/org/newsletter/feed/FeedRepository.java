package org.newsletter.feed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code feed} and {@code entry} tables: each feed's fetch state and the entries seen. */
@Repository
public class FeedRepository {

	private final JdbcClient jdbc;

	public FeedRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A feed's state as recorded.
	 *
	 * @param id the feed's id
	 * @param url where it is fetched
	 * @param title its display title
	 * @param lastStatus {@code ok}, {@code not-modified} or {@code failed}; null before the first fetch
	 * @param lastError the reason of the last failure
	 * @param lastAttemptAt when it was last fetched
	 * @param lastSuccessAt when it was last fetched successfully
	 * @param consecutiveFailures failures since the last success
	 */
	public record FeedRecord(long id, String url, String title, String etag, String lastModified, String lastStatus,
			String lastError, Instant lastAttemptAt, Instant lastSuccessAt, int consecutiveFailures) {

		public FeedFetcher.Validators validators() {
			return new FeedFetcher.Validators(etag, lastModified);
		}

		/** Whether the feed has failed at least {@code runs} runs in a row: time for the operator to act. */
		public boolean failingFor(int runs) {
			return consecutiveFailures >= runs;
		}

		/** The feed's health in one line: failures in a row, the last error, the last success. */
		public String health(ZoneId zone) {
			if (lastStatus == null) {
				return "not fetched by a run yet";
			}
			var time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT).withZone(zone);
			String success = "last success " + (lastSuccessAt == null ? "never" : time.format(lastSuccessAt));
			if (consecutiveFailures == 0) {
				return "ok, " + success;
			}
			return "failed " + consecutiveFailures + (consecutiveFailures == 1 ? " run" : " runs") + " in a row, "
					+ success + "; last error: " + lastError;
		}
	}

	/** Counts of one feed's entries after an upsert. */
	public record EntryCounts(int added, int updated) {
	}

	public Optional<FeedRecord> find(String url) {
		return jdbc.sql("SELECT * FROM feed WHERE url = ?").param(url).query(FeedRecord.class).optional();
	}

	public List<FeedRecord> findAll() {
		return jdbc.sql("SELECT * FROM feed ORDER BY LOWER(title), url").query(FeedRecord.class).list();
	}

	/** Feeds whose last attempt, at or after {@code since}, failed. */
	public List<FeedRecord> failedSince(Instant since) {
		return jdbc.sql("SELECT * FROM feed WHERE last_status = 'failed' AND last_attempt_at >= ? ORDER BY LOWER(title), url")
			.param(Timestamp.from(since))
			.query(FeedRecord.class)
			.list();
	}

	/** Records a failed fetch of {@code source} with its reason. */
	public void recordFailure(FeedSource source, String reason, Instant at) {
		long id = ensure(source);
		jdbc.sql("""
				UPDATE feed SET last_status = 'failed', last_error = ?, last_attempt_at = ?,
				consecutive_failures = consecutive_failures + 1 WHERE id = ?""")
			.params(truncate(reason, 2000), Timestamp.from(at), id)
			.update();
	}

	/** Records a 304 Not Modified: a success with nothing new. */
	public void recordNotModified(FeedSource source, Instant at) {
		long id = ensure(source);
		jdbc.sql("""
				UPDATE feed SET last_status = 'not-modified', last_error = NULL, last_attempt_at = ?,
				last_success_at = ?, consecutive_failures = 0 WHERE id = ?""")
			.params(Timestamp.from(at), Timestamp.from(at), id)
			.update();
	}

	/**
	 * Records a successful fetch and upserts its entries. Entries without a date found on a
	 * feed's first successful fetch are its back catalogue and marked so (never sent).
	 *
	 * @param firstSeen the time recorded as first seen for entries new to the database
	 */
	public EntryCounts recordSuccess(FeedSource source, FeedFetcher.Body body, ParsedFeed feed, Instant at,
			Instant firstSeen) {
		long id = ensure(source);
		boolean firstSuccess = find(source.url()).map(f -> f.lastSuccessAt() == null).orElse(true);
		String title = !source.title().isBlank() ? source.title() : !feed.title().isBlank() ? feed.title() : source.url();
		jdbc.sql("""
				UPDATE feed SET title = ?, site_link = ?, etag = ?, last_modified = ?, last_status = 'ok',
				last_error = NULL, last_attempt_at = ?, last_success_at = ?, consecutive_failures = 0 WHERE id = ?""")
			.params(truncate(title, 1000), truncate(feed.siteLink(), 2048), truncate(body.etag(), 1000),
					truncate(body.lastModified(), 200), Timestamp.from(at), Timestamp.from(at), id)
			.update();
		int added = 0;
		int updated = 0;
		for (ParsedFeed.Entry entry : feed.entries()) {
			if (upsert(id, entry, firstSeen, firstSuccess && entry.published() == null)) {
				added++;
			}
			else {
				updated++;
			}
		}
		return new EntryCounts(added, updated);
	}

	/** Inserts or updates one entry; true when it was new. */
	private boolean upsert(long feedId, ParsedFeed.Entry entry, Instant firstSeen, boolean backlog) {
		String key = identity(entry);
		Timestamp published = entry.published() == null ? null : Timestamp.from(entry.published());
		int changed = jdbc.sql("""
				UPDATE entry SET title = ?, link = ?, author = ?, published_at = COALESCE(?, published_at),
				content_html = ? WHERE feed_id = ? AND entry_key = ?""")
			.params(truncate(entry.title(), 2000), truncate(entry.link(), 2048), truncate(entry.author(), 500), published,
					entry.contentHtml(), feedId, key)
			.update();
		if (changed > 0) {
			return false;
		}
		jdbc.sql("""
				INSERT INTO entry (feed_id, entry_key, guid, title, link, author, published_at, first_seen_at, backlog,
				content_html) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(feedId, key, truncate(entry.guid(), 2048), truncate(entry.title(), 2000), truncate(entry.link(), 2048),
					truncate(entry.author(), 500), published, Timestamp.from(firstSeen), backlog, entry.contentHtml())
			.update();
		return true;
	}

	/** Makes sure the feed has a row; returns its id. */
	private long ensure(FeedSource source) {
		return find(source.url()).map(FeedRecord::id).orElseGet(() -> {
			jdbc.sql("INSERT INTO feed (url, title) VALUES (?, ?)")
				.params(source.url(), truncate(source.title().isBlank() ? source.url() : source.title(), 1000))
				.update();
			return find(source.url()).orElseThrow().id();
		});
	}

	/**
	 * An entry's identity within its feed (DESIGN.md §4): its guid; without one, its link;
	 * without that, its title and date. Stored as a SHA-256 so any length fits the key.
	 */
	static String identity(ParsedFeed.Entry entry) {
		String identity = entry.guid() != null ? "guid:" + entry.guid()
				: entry.link() != null ? "link:" + entry.link() : "hash:" + entry.title() + "|" + entry.published();
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static String truncate(String value, int max) {
		return value == null || value.length() <= max ? value : value.substring(0, max);
	}
}
