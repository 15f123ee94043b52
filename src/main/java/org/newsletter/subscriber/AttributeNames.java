package org.newsletter.subscriber;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The attribute names the subscribers hold ({@code subscriber_attribute_name}, V16), so that an
 * export writes its header without reading every row first. Writers record the names they
 * write; whatever may take the last holder of a name away marks the record inexact. While it is
 * exact, the record is the header; otherwise the export reads the names from the rows, as it
 * always did, and {@link #settle settles} the record with them.
 */
@Repository
class AttributeNames {

	private final JdbcClient jdbc;

	AttributeNames(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The record as an export starts: whether it is exact, its version, the names, and the
	 * database's clock (names recorded from then on are kept by {@link #settle}).
	 */
	record Snapshot(boolean exact, long version, SortedSet<String> names, Timestamp at) {
	}

	@Transactional(readOnly = true)
	Snapshot snapshot() {
		record State(boolean exact, long version, Timestamp at) {
		}
		State state = jdbc.sql("SELECT exact, version, CURRENT_TIMESTAMP AS started FROM subscriber_attribute_names WHERE id = 1")
			.query((rs, n) -> new State(rs.getBoolean("exact"), rs.getLong("version"), rs.getTimestamp("started")))
			.single();
		SortedSet<String> names = new TreeSet<>(
				jdbc.sql("SELECT name FROM subscriber_attribute_name").query(String.class).list());
		return new Snapshot(state.exact(), state.version(), names, state.at());
	}

	/** Records that subscribers hold these names, in the caller's transaction (the one writing them). */
	void held(Collection<String> names) {
		for (String name : new TreeSet<>(names)) { // in order: two writers lock the same rows in the same order
			jdbc.sql("""
					INSERT INTO subscriber_attribute_name (name, added_at) SELECT CAST(? AS VARCHAR(8000)), CURRENT_TIMESTAMP
					FROM subscriber_attribute_names WHERE id = 1 AND NOT EXISTS
					(SELECT 1 FROM subscriber_attribute_name WHERE name = ?)""").params(name, name).update();
		}
	}

	/** Records, in the caller's transaction, that the last holder of a name may have gone. */
	void markInexact() {
		markInexact(jdbc);
	}

	/**
	 * The same (static:
	 * the repositories that delete subscribers call it with their own client).
	 */
	static void markInexact(JdbcClient jdbc) {
		jdbc.sql("UPDATE subscriber_attribute_names SET exact = FALSE, version = version + 1 WHERE id = 1").update();
	}

	/**
	 * After an export read the names from every row ({@code seen}, from {@code snapshot}): the
	 * record becomes those names and those recorded since the export started, and exact, unless
	 * something marked it meanwhile (its version moved), in which case it stays inexact.
	 */
	@Transactional
	void settle(Snapshot snapshot, Set<String> seen) {
		if (jdbc.sql("UPDATE subscriber_attribute_names SET exact = TRUE WHERE id = 1 AND version = ?")
			.param(snapshot.version())
			.update() == 0) {
			return;
		}
		for (String name : snapshot.names()) {
			if (!seen.contains(name)) {
				jdbc.sql("DELETE FROM subscriber_attribute_name WHERE name = ? AND added_at < ?")
					.params(name, snapshot.at())
					.update();
			}
		}
		held(seen);
	}
}
