package org.newsletter.subscriber;

import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code subscriber_import_line} table: what each line of an import did, written in the
 * chunk's transaction with the change itself. It tells a line that repeats an address from an
 * earlier line (even one read before a crash), which subscribers {@code --replace} keeps, and
 * the counts and rejections of the report.
 */
@Repository
class ImportLineRepository {

	static final String REJECTED = "rejected";

	/** A line of a {@code --forget} import; its {@code email_key} is the address's hash. */
	static final String FORGOTTEN = "forgotten";

	/** A rejected line whose address could not be read at all ({@link ImportLine.Rejected#addressUnread()}). */
	static final String UNREAD = "unreadable";

	private static final long DELETE_BATCH = 20_000;

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	ImportLineRepository(JdbcClient jdbc, JdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	/**
	 * One line's outcome: {@code added}, {@code updated}, {@code unchanged}, {@code forgotten},
	 * {@code rejected} or {@code unreadable}.
	 */
	record Outcome(long line, String emailKey, String presentKey, String outcome, String value, String reason) {
	}

	/** The counts of an import's report. */
	record Counts(long added, long updated, long unchanged, long rejected, long forgotten) {

		long imported() {
			return added + updated + unchanged;
		}

		/** These counts and {@code merged} (added, updated, unchanged lines not recorded here) together. */
		Counts plus(long addedMore, long updatedMore, long unchangedMore) {
			return new Counts(added + addedMore, updated + updatedMore, unchanged + unchangedMore, rejected, forgotten);
		}
	}

	/** How many rejected lines' addresses could not be read, and the first of them (0 when none). */
	record Unread(long lines, long first) {
	}

	/** The lines of this import that already brought one of these address keys, by key. */
	Map<String, Long> linesOf(long importId, Collection<String> keys) {
		Map<String, Long> lines = new HashMap<>();
		if (!keys.isEmpty()) {
			// The import is compared here, not in SQL: with "import_id = ? AND" HSQLDB walked all
			// the import's lines for each chunk (an import's look-ups grew with the square of its
			// lines) instead of looking each key up in the email_key index. The table only holds
			// the lines of imports not yet reported, so other imports' rows are few.
			jdbc.sql("SELECT email_key, line, import_id FROM subscriber_import_line WHERE email_key IN (:keys)")
				.param("keys", keys)
				.query((ResultSet rs) -> {
					if (rs.getLong(3) == importId) {
						lines.put(rs.getString(1), rs.getLong(2));
					}
				});
		}
		return lines;
	}

	void record(long importId, List<Outcome> outcomes) {
		if (outcomes.isEmpty()) {
			return;
		}
		batch.batchUpdate("""
				INSERT INTO subscriber_import_line (import_id, line, email_key, present_key, outcome, value, reason)
				VALUES (?, ?, ?, ?, ?, ?, ?)""", outcomes, outcomes.size(), (ps, o) -> {
			ps.setLong(1, importId);
			ps.setLong(2, o.line());
			ps.setString(3, o.emailKey());
			ps.setString(4, o.presentKey());
			ps.setString(5, o.outcome());
			ps.setString(6, o.value());
			ps.setString(7, o.reason());
		});
	}

	Counts counts(long importId) {
		long[] counts = new long[5];
		jdbc.sql("SELECT outcome, COUNT(*) AS n FROM subscriber_import_line WHERE import_id = ? GROUP BY outcome")
			.param(importId)
			.query(rs -> {
				int index = List.of("added", "updated", "unchanged", REJECTED, FORGOTTEN, UNREAD).indexOf(rs.getString("outcome"));
				counts[index == 5 ? 3 : index] += rs.getLong("n");
			});
		return new Counts(counts[0], counts[1], counts[2], counts[3], counts[4]);
	}

	Unread unread(long importId) {
		return jdbc.sql("SELECT COUNT(*), COALESCE(MIN(line), 0) FROM subscriber_import_line WHERE import_id = ? AND outcome = ?")
			.params(importId, UNREAD)
			.query((rs, row) -> new Unread(rs.getLong(1), rs.getLong(2)))
			.single();
	}

	/** The rejected lines in file order, streamed. */
	void forEachRejection(long importId, Consumer<ImportLine.Rejected> action) {
		jdbc.sql("""
				SELECT line, value, reason, present_key, outcome FROM subscriber_import_line
				WHERE import_id = ? AND outcome IN ('rejected', 'unreadable') ORDER BY line""")
			.param(importId)
			.query(rs -> {
				action.accept(new ImportLine.Rejected(rs.getLong("line"), rs.getString("value"), rs.getString("reason"),
						rs.getString("present_key"), UNREAD.equals(rs.getString("outcome"))));
			});
	}

	/**
	 * Deletes an import's lines, {@value #DELETE_BATCH} lines per statement: each statement
	 * commits on its own, so a million-line import is not one huge transaction held in memory.
	 */
	void delete(long importId) {
		long last = jdbc.sql("SELECT COALESCE(MAX(line), 0) FROM subscriber_import_line WHERE import_id = ?")
			.param(importId)
			.query(Long.class)
			.single();
		for (long from = 0; from < last; from += DELETE_BATCH) {
			jdbc.sql("DELETE FROM subscriber_import_line WHERE import_id = ? AND line > ? AND line <= ?")
				.params(importId, from, from + DELETE_BATCH)
				.update();
		}
	}
}
