package org.newsletter.feed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code feed} and {@code entry} tables: each feed's fetch state and the entries seen. */
@Repository
public class FeedRepository {

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	public FeedRepository(JdbcClient jdbc, JdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
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

	public Optional<FeedRecord> find(String url) {
		return jdbc.sql("SELECT * FROM feed WHERE url = ?").param(url).query(FeedRecord.class).optional();
	}

	/** The validators of every feed fetched successfully before, by URL: what a run's conditional GETs send. */
	public Map<String, FeedFetcher.Validators> validators() {
		Map<String, FeedFetcher.Validators> validators = new HashMap<>();
		jdbc.sql("SELECT url, etag, last_modified FROM feed WHERE last_success_at IS NOT NULL")
			.query(rs -> {
				validators.put(rs.getString("url"),
						new FeedFetcher.Validators(rs.getString("etag"), rs.getString("last_modified")));
			});
		return validators;
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
		long id = ensure(List.of(source)).get(source.url()).id();
		jdbc.sql("""
				UPDATE feed SET last_status = 'failed', last_error = ?, last_attempt_at = ?,
				consecutive_failures = consecutive_failures + 1 WHERE id = ?""")
			.params(truncate(reason, 2000), Timestamp.from(at), id)
			.update();
	}

	/**
	 * Records a chunk of fetches: each 304 Not Modified as a success with nothing new, each
	 * feed fetched as a success with its entries upserted. Entries without a date found on a
	 * feed's first successful fetch are its back catalogue and marked so (never sent). A few
	 * JDBC batches, whatever the number of feeds and entries.
	 *
	 * @param firstSeen the time recorded as first seen for entries new to the database
	 */
	public void recordFetched(List<? extends FeedFetchProcessor.Fetched> fetches, Instant at, Instant firstSeen) {
		Map<String, FeedRecord> known = ensure(fetches.stream().map(FeedFetchProcessor.Fetched::source).toList());
		Timestamp when = Timestamp.from(at);
		List<Object[]> notModified = new ArrayList<>();
		List<Object[]> succeeded = new ArrayList<>();
		List<Object[]> entryUpdates = new ArrayList<>();
		List<Object[]> entryInserts = new ArrayList<>();
		for (FeedFetchProcessor.Fetched fetched : fetches) {
			FeedRecord feed = known.get(fetched.source().url());
			if (fetched.notModified()) {
				notModified.add(new Object[] { when, when, feed.id() });
				continue;
			}
			FeedSource source = fetched.source();
			ParsedFeed parsed = fetched.feed();
			String title = !source.title().isBlank() ? source.title() : !parsed.title().isBlank() ? parsed.title() : source.url();
			succeeded.add(new Object[] { truncate(title, 1000), truncate(parsed.siteLink(), 2048),
					truncate(fetched.validators().etag(), 1000), truncate(fetched.validators().lastModified(), 200), when, when,
					feed.id() });
			boolean firstSuccess = feed.lastSuccessAt() == null;
			for (ParsedFeed.Entry entry : parsed.entries()) {
				String key = identity(entry);
				Timestamp published = entry.published() == null ? null : Timestamp.from(entry.published());
				String text = entry.text();
				entryUpdates.add(new Object[] { truncate(entry.title(), 2000), truncate(entry.link(), 2048),
						truncate(entry.author(), 500), published, text, feed.id(), key });
				entryInserts.add(new Object[] { feed.id(), key, truncate(entry.guid(), 2048), truncate(entry.title(), 2000),
						truncate(entry.link(), 2048), truncate(entry.author(), 500), published, Timestamp.from(firstSeen),
						firstSuccess && entry.published() == null, text });
			}
		}
		batch.batchUpdate("""
				UPDATE feed SET last_status = 'not-modified', last_error = NULL, last_attempt_at = ?,
				last_success_at = ?, consecutive_failures = 0 WHERE id = ?""", notModified);
		batch.batchUpdate("""
				UPDATE feed SET title = ?, site_link = ?, etag = ?, last_modified = ?, last_status = 'ok',
				last_error = NULL, last_attempt_at = ?, last_success_at = ?, consecutive_failures = 0 WHERE id = ?""",
				succeeded);
		// Every entry is updated in place if it is known; those no row matched are new.
		int[] updated = batch.batchUpdate("""
				UPDATE entry SET title = ?, link = ?, author = ?, published_at = COALESCE(?, published_at),
				summary_text = ?, content_html = NULL WHERE feed_id = ? AND entry_key = ?""", entryUpdates);
		List<Object[]> added = new ArrayList<>();
		for (int i = 0; i < updated.length; i++) {
			if (updated[i] == 0) {
				added.add(entryInserts.get(i));
			}
			else if (updated[i] < 0) {
				throw new IllegalStateException("the JDBC driver gives no update counts for batches (" + updated[i]
						+ "); entries cannot be told new from known");
			}
		}
		batch.batchUpdate("""
				INSERT INTO entry (feed_id, entry_key, guid, title, link, author, published_at, first_seen_at, backlog,
				summary_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", added);
	}

	/** The feeds of {@code sources}, given a row first where they have none; by URL. */
	private Map<String, FeedRecord> ensure(List<FeedSource> sources) {
		Map<String, FeedRecord> known = find(sources.stream().map(FeedSource::url).toList());
		Map<String, Object[]> missing = new LinkedHashMap<>();
		for (FeedSource source : sources) {
			if (!known.containsKey(source.url())) {
				missing.putIfAbsent(source.url(), new Object[] { source.url(),
						truncate(source.title().isBlank() ? source.url() : source.title(), 1000) });
			}
		}
		if (!missing.isEmpty()) {
			batch.batchUpdate("INSERT INTO feed (url, title) VALUES (?, ?)", new ArrayList<>(missing.values()));
			known.putAll(find(missing.keySet()));
		}
		return known;
	}

	private Map<String, FeedRecord> find(Collection<String> urls) {
		Map<String, FeedRecord> found = new HashMap<>();
		if (!urls.isEmpty()) {
			jdbc.sql("SELECT * FROM feed WHERE url IN (:urls)")
				.param("urls", urls)
				.query(FeedRecord.class)
				.list()
				.forEach(feed -> found.put(feed.url(), feed));
		}
		return found;
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
