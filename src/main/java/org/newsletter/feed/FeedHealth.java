package org.newsletter.feed;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Each feed's record over past runs with what it has given, for the operator page: the
 * feed table's health columns (as {@code feeds check} shows them) and the entries stored.
 */
@Repository
public class FeedHealth {

	private final JdbcClient jdbc;

	FeedHealth(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One feed as the runs left it.
	 *
	 * @param lastStatus {@code ok}, {@code not-modified} or {@code failed}
	 * @param lastError the reason of the last failure
	 * @param consecutiveFailures failures since the last success
	 * @param entries the entries stored from it
	 * @param newestEntry when its newest stored entry was published (or first seen); null without entries
	 */
	public record Record(String url, String title, String lastStatus, String lastError, Instant lastAttemptAt,
			Instant lastSuccessAt, int consecutiveFailures, int entries, Instant newestEntry) {

		public boolean failingFor(int runs) {
			return consecutiveFailures >= runs;
		}
	}

	/** Every feed fetched by a run so far, by URL. */
	public Map<String, Record> byUrl() {
		List<Record> records = jdbc.sql("""
				SELECT f.url, f.title, f.last_status, f.last_error, f.last_attempt_at, f.last_success_at,
				       f.consecutive_failures,
				       (SELECT COUNT(*) FROM entry e WHERE e.feed_id = f.id) AS entries,
				       (SELECT MAX(COALESCE(e.published_at, e.first_seen_at)) FROM entry e WHERE e.feed_id = f.id) AS newest_entry
				FROM feed f""")
			.query(Record.class)
			.list();
		return records.stream().collect(Collectors.toMap(Record::url, Function.identity()));
	}
}
