package org.newsletter.subscriber;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code subscriber} table. */
@Repository
public class SubscriberRepository {

	private static final int FETCH_SIZE = 1000;

	private static final int PAGE = 5000;

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	public SubscriberRepository(JdbcClient jdbc, JdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	/** What a merge did (or, not written, would do). */
	public enum Change {
		ADDED, UPDATED, UNCHANGED;

		String outcome() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	/**
	 * Everything stored about a subscriber, as an export writes it, and the import line that last
	 * merged into it.
	 *
	 * @param importId the import (job instance) that last merged a line into it, 0 when none
	 * @param importLine that line's number, 0 when none
	 */
	record Stored(long id, String email, String name, String status, String attributes, Instant created,
			Instant updated, Instant unsubscribedAt, long importId, long importLine) {
	}

	public Optional<Subscriber> findByEmail(String email) {
		return jdbc.sql("SELECT id, email, name, status, attributes FROM subscriber WHERE email_key = ?")
			.param(EmailAddresses.key(email))
			.query(Subscriber.class)
			.optional();
	}

	public Optional<Subscriber> find(long id) {
		return jdbc.sql("SELECT id, email, name, status, attributes FROM subscriber WHERE id = ?")
			.param(id)
			.query(Subscriber.class)
			.optional();
	}

	/** The active subscriber with the lowest id, if any (the preview's sample reader). */
	/**
	 * Whether subscriber {@code id} is still active: asked just before each message of a send, so
	 * whoever unsubscribes while it goes on gets nothing more of it.
	 */
	public boolean isActive(long id) {
		return jdbc.sql("SELECT COUNT(*) FROM subscriber WHERE id = ? AND status = 'active'").param(id).query(Integer.class).single() > 0;
	}

	public Optional<Subscriber> findFirstActive() {
		return jdbc.sql("SELECT id, email, name, status, attributes FROM subscriber WHERE status = 'active' ORDER BY id")
			.withMaxRows(1)
			.query(Subscriber.class)
			.optional();
	}

	/** Every subscriber with {@code status} (all when null) in id order, streamed. */
	public void forEach(String status, Consumer<Subscriber> action) {
		// Not "? IS NULL": PostgreSQL cannot type a parameter that is only compared with NULL.
		jdbc.sql("SELECT id, email, name, status, attributes FROM subscriber WHERE status = COALESCE(?, status) ORDER BY id")
			.param(status)
			.withFetchSize(FETCH_SIZE)
			.query((ResultSet rs) -> {
				action.accept(new Subscriber(rs.getLong("id"), rs.getString("email"), rs.getString("name"),
						rs.getString("status"), rs.getString("attributes")));
			});
	}

	/**
	 * Every subscriber with all its columns in id order, a page at a time; the pages are read on a
	 * thread of their own, one ahead of {@code action} ({@link #forEachPage}).
	 */
	void forEachStored(Consumer<Stored> action) {
		forEachPage("""
				SELECT id, email, name, status, attributes, created_at, updated_at, unsubscribed_at, import_id,
				import_line FROM subscriber WHERE id > ? ORDER BY id""", SubscriberRepository::stored, Stored::id, action);
	}

	/** The attribute texts of every subscriber that has some, a page at a time, read as {@link #forEachStored}. */
	void forEachAttributes(Consumer<String> action) {
		forEachPage("SELECT id, attributes FROM subscriber WHERE id > ? AND attributes IS NOT NULL ORDER BY id",
				(rs, row) -> new IdText(rs.getLong("id"), rs.getString("attributes")), IdText::id,
				attributes -> action.accept(attributes.text()));
	}

	private record IdText(long id, String text) {
	}

	/** A page of rows, or the end of the table ({@code rows} empty), or why reading stopped. */
	private record Page<T>(List<T> rows, RuntimeException failure) {
	}

	/**
	 * Runs {@code query} (rows with {@code id > ?} in id order) page after page, each a short walk
	 * of the primary key. One query over the whole table was copied by HSQLDB into a result on
	 * disk before its first row (V4): an export of a million subscribers ran at 19,000 rows/s.
	 * The pages are read on a thread of their own, at most two ahead of {@code action}, which runs
	 * on the caller's thread: reading the rows and writing them out then use both cores (issue 16:
	 * the export's time was about half in the database, half in writing the CSV). Memory holds at
	 * most three pages.
	 */
	private <T> void forEachPage(String query, RowMapper<T> mapper, ToLongFunction<T> id, Consumer<T> action) {
		BlockingQueue<Page<T>> pages = new ArrayBlockingQueue<>(2);
		AtomicBoolean stopped = new AtomicBoolean();
		Thread reader = new Thread(() -> readPages(query, mapper, id, pages, stopped), "page-reader");
		reader.setDaemon(true);
		reader.start();
		try {
			while (true) {
				Page<T> page = pages.take();
				if (page.failure() != null) {
					throw page.failure();
				}
				if (page.rows().isEmpty()) {
					return;
				}
				page.rows().forEach(action);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading the subscribers", ex);
		}
		finally {
			stopped.set(true); // not an interrupt: the reader may be inside the database's file I/O
		}
	}

	private <T> void readPages(String query, RowMapper<T> mapper, ToLongFunction<T> id, BlockingQueue<Page<T>> pages,
			AtomicBoolean stopped) {
		Page<T> end = new Page<>(List.of(), null);
		try {
			long last = 0;
			List<T> rows;
			do {
				rows = jdbc.sql(query + " FETCH FIRST " + PAGE + " ROWS ONLY").param(last).query(mapper).list();
				if (!rows.isEmpty() && !hand(new Page<>(rows, null), pages, stopped)) {
					return;
				}
				last = rows.isEmpty() ? last : id.applyAsLong(rows.get(rows.size() - 1));
			}
			while (rows.size() == PAGE);
		}
		catch (RuntimeException ex) {
			end = new Page<>(List.of(), ex);
		}
		hand(end, pages, stopped);
	}

	/** Puts {@code page} in the queue once there is room; false when the caller stopped meanwhile. */
	private static <T> boolean hand(Page<T> page, BlockingQueue<Page<T>> pages, AtomicBoolean stopped) {
		try {
			while (!pages.offer(page, 100, TimeUnit.MILLISECONDS)) {
				if (stopped.get()) {
					return false;
				}
			}
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	/**
	 * Where to split the active subscribers into {@code parts} id ranges of about the same size:
	 * the first id of every range but the first, ascending (fewer when there are fewer
	 * subscribers than parts). Streams the ids, so memory does not grow with the list.
	 */
	public List<Long> activeIdSplits(int parts) {
		int active = countActive();
		List<Long> splits = new ArrayList<>();
		if (parts <= 1 || active < 2) {
			return splits;
		}
		long[] position = { 0 };
		jdbc.sql("SELECT id FROM subscriber WHERE status = 'active' ORDER BY id")
			.withFetchSize(FETCH_SIZE)
			.query((ResultSet rs) -> {
				long index = position[0]++;
				if (index > 0 && splits.size() < parts - 1 && index >= (long) active * (splits.size() + 1) / parts) {
					splits.add(rs.getLong(1));
				}
			});
		return splits;
	}

	public int countActive() {
		return jdbc.sql("SELECT COUNT(*) FROM subscriber WHERE status = 'active'").query(Integer.class).single();
	}

	/** Adds the subscriber or makes an existing one active again, with {@code name} when given. */
	public Change subscribe(String email, String name, Instant now) {
		var line = new ImportLine.Accepted(0, email, name, Subscriber.ACTIVE, Map.of());
		Merge merge = plan(line, findStored(List.of(line.key())).get(line.key()), true);
		apply(List.of(merge), now, null);
		return merge.change();
	}

	/**
	 * What merging one line into the list does.
	 *
	 * @param current the stored subscriber, {@code null} for a new address
	 * @param removesName whether it empties an attribute the subscriber had (which may have been
	 *        the last holder of that name: {@link AttributeNames})
	 */
	record Merge(Change change, Stored current, String email, String key, String name, String status,
			String attributes, long line, boolean removesName) {
	}

	/** The stored subscribers with these address keys, by key. */
	Map<String, Stored> findStored(Collection<String> keys) {
		if (keys.isEmpty()) {
			return Map.of();
		}
		Map<String, Stored> found = new HashMap<>();
		// One array parameter, not an IN list of a chunk's 5,000: HSQLDB compiled that statement
		// anew for every chunk, 17 % of a million-row import's time. "IN (UNNEST(?))" of an array
		// reads the email_key index for each key in HSQLDB and PostgreSQL alike.
		batch.query(connection -> {
			var statement = connection.prepareStatement("""
					SELECT id, email, email_key, name, status, attributes, created_at, updated_at, unsubscribed_at,
					import_id, import_line FROM subscriber
					WHERE email_key IN (SELECT k FROM UNNEST(CAST(? AS VARCHAR(320) ARRAY)) AS t (k))""");
			statement.setArray(1, connection.createArrayOf("VARCHAR", keys.toArray()));
			return statement;
		}, (ResultSet rs) -> {
			found.put(rs.getString("email_key"), stored(rs, 0));
		});
		return found;
	}

	/**
	 * Plans merging one import line: a new address is added; an existing subscriber gets the
	 * line's address spelling, name (when given), status and attribute cells. The status: a line
	 * saying {@code unsubscribed} or {@code bounced} is taken; {@code active} is taken from an
	 * active or pending subscriber (the operator's list vouches for them), and from an
	 * unsubscribed or bounced one only with {@code resubscribe}; {@code pending} applies to new
	 * addresses only (it never takes an existing subscriber back to unconfirmed).
	 * @throws IllegalArgumentException when the merged attributes do not fit
	 */
	static Merge plan(ImportLine.Accepted line, Stored current, boolean resubscribe) {
		if (current == null) {
			String status = line.status() == null ? Subscriber.ACTIVE : line.status();
			return new Merge(Change.ADDED, null, line.email(), line.key(), line.name(), status,
					fitting(Attributes.merge((String) null, line.attributes())), line.line(), false);
		}
		String status = current.status();
		if (Subscriber.UNSUBSCRIBED.equals(line.status()) || Subscriber.BOUNCED.equals(line.status())
				|| (Subscriber.ACTIVE.equals(line.status()) && (resubscribe || Subscriber.ACTIVE.equals(status)
						|| Subscriber.PENDING.equals(status)))) {
			status = line.status();
		}
		String name = line.name() == null ? current.name() : line.name();
		SortedMap<String, String> stored = Attributes.decode(current.attributes());
		boolean removesName = Attributes.removesOne(stored, line.attributes());
		String attributes = fitting(Attributes.merge(stored, line.attributes()));
		boolean same = line.email().equals(current.email()) && Objects.equals(name, current.name())
				&& status.equals(current.status()) && Objects.equals(attributes, current.attributes());
		return new Merge(same ? Change.UNCHANGED : Change.UPDATED, current, line.email(), line.key(), name, status,
				attributes, line.line(), removesName);
	}

	/**
	 * Writes the planned merges, in JDBC batches (one per kind of change), each subscriber marked
	 * with import {@code importId} and its line ({@code null}: not an import, marks kept).
	 */
	void apply(List<Merge> merges, Instant now, Long importId) {
		Timestamp at = Timestamp.from(now);
		List<Merge> added = merges.stream().filter(m -> m.change() == Change.ADDED).toList();
		List<Merge> updated = merges.stream().filter(m -> m.change() == Change.UPDATED).toList();
		List<Merge> unchanged = importId == null ? List.of()
				: merges.stream().filter(m -> m.change() == Change.UNCHANGED).toList();
		batch.batchUpdate("""
				INSERT INTO subscriber (email, email_key, name, status, attributes, created_at, updated_at,
				unsubscribed_at, import_id, import_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", added, added.size(), (ps, m) -> {
			ps.setString(1, m.email());
			ps.setString(2, m.key());
			ps.setString(3, m.name());
			ps.setString(4, m.status());
			ps.setString(5, m.attributes());
			ps.setTimestamp(6, at);
			ps.setTimestamp(7, at);
			ps.setTimestamp(8, Subscriber.UNSUBSCRIBED.equals(m.status()) ? at : null);
			ps.setObject(9, importId, Types.BIGINT);
			ps.setObject(10, importId == null ? null : m.line(), Types.BIGINT);
		});
		batch.batchUpdate("""
				UPDATE subscriber SET email = ?, name = ?, status = ?, attributes = ?, updated_at = ?,
				unsubscribed_at = CASE WHEN ? = 'unsubscribed' THEN COALESCE(unsubscribed_at, ?) ELSE NULL END,
				import_id = COALESCE(?, import_id), import_line = COALESCE(?, import_line)
				WHERE id = ?""", updated, updated.size(), (ps, m) -> {
			ps.setString(1, m.email());
			ps.setString(2, m.name());
			ps.setString(3, m.status());
			ps.setString(4, m.attributes());
			ps.setTimestamp(5, at);
			ps.setString(6, m.status());
			ps.setTimestamp(7, at);
			ps.setObject(8, importId, Types.BIGINT);
			ps.setObject(9, importId == null ? null : m.line(), Types.BIGINT);
			ps.setLong(10, m.current().id());
		});
		batch.batchUpdate("UPDATE subscriber SET import_id = ?, import_line = ? WHERE id = ?", unchanged,
				unchanged.size(), (ps, m) -> {
					ps.setLong(1, importId);
					ps.setLong(2, m.line());
					ps.setLong(3, m.current().id());
				});
	}

	/**
	 * Unsubscribes (or, not written, counts) the active subscribers that no line of import
	 * {@code importId} names: not merged by it (its mark) and not named by a line it recorded
	 * (rejected lines with a valid address, a dry run's lines).
	 */
	int unsubscribeAbsent(long importId, boolean write, Instant now) {
		String absent = """
				FROM subscriber s WHERE s.status = 'active' AND COALESCE(s.import_id, 0) <> ?
				AND NOT EXISTS (SELECT 1 FROM subscriber_import_line l WHERE l.import_id = ? AND l.present_key = s.email_key)""";
		if (!write) {
			return jdbc.sql("SELECT COUNT(*) " + absent).params(importId, importId).query(Integer.class).single();
		}
		Timestamp at = Timestamp.from(now);
		return jdbc.sql("UPDATE subscriber SET status = 'unsubscribed', updated_at = ?, unsubscribed_at = ? WHERE id IN "
				+ "(SELECT s.id " + absent + ")")
			.params(at, at, importId, importId)
			.update();
	}

	/** Marks the subscriber unsubscribed; false when there is no such subscriber. */
	public boolean unsubscribe(long id, Instant now) {
		return jdbc.sql("""
				UPDATE subscriber SET status = 'unsubscribed', updated_at = ?, unsubscribed_at = COALESCE(unsubscribed_at, ?)
				WHERE id = ?""")
			.params(Timestamp.from(now), Timestamp.from(now), id)
			.update() > 0;
	}

	/**
	 * When subscriber {@code id} last changed: a sign-up's confirmation link is valid only while it
	 * has not (an unsubscribe, an import or a bounce since the link was mailed makes it stale).
	 */
	public Optional<Instant> updatedAt(long id) {
		return jdbc.sql("SELECT updated_at FROM subscriber WHERE id = ?")
			.param(id)
			.query((rs, n) -> instant(rs, "updated_at"))
			.optional();
	}

	/** Adds a new address as {@link Subscriber#PENDING} (signed up on the web page, not confirmed); its id. */
	public long addPending(String email, String name, Instant now) {
		var id = new org.springframework.jdbc.support.GeneratedKeyHolder();
		jdbc.sql("""
				INSERT INTO subscriber (email, email_key, name, status, created_at, updated_at)
				VALUES (?, ?, ?, 'pending', ?, ?)""")
			.params(email, EmailAddresses.key(email), name, Timestamp.from(now), Timestamp.from(now))
			.update(id, "id");
		return id.getKeyAs(Number.class).longValue();
	}

	/**
	 * Makes subscriber {@code id} active, with {@code name} when one is given, if its row is as it
	 * was at {@code updatedAt}; false, changing nothing, when it has changed since (so of two
	 * confirmations of one link, one does it).
	 */
	public boolean confirmSignUp(long id, Instant updatedAt, String name, Instant now) {
		// OffsetDateTime, not Timestamp: compared for equality with what was read, in HSQLDB and PostgreSQL alike
		return jdbc.sql("""
				UPDATE subscriber SET status = 'active', name = COALESCE(?, name), unsubscribed_at = NULL, updated_at = ?
				WHERE id = ? AND updated_at = ?""")
			.params(name, Timestamp.from(now), id, updatedAt.atOffset(java.time.ZoneOffset.UTC))
			.update() > 0;
	}

	/** Deletes those of these subscribers who are still {@link Subscriber#PENDING}; how many. */
	public int deletePending(Collection<Long> ids) {
		if (ids.isEmpty()) {
			return 0;
		}
		if (jdbc.sql("SELECT COUNT(*) FROM subscriber WHERE status = 'pending' AND attributes IS NOT NULL AND id IN (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single() > 0) {
			AttributeNames.markInexact(jdbc);
		}
		return jdbc.sql("DELETE FROM subscriber WHERE status = 'pending' AND id IN (:ids)").param("ids", ids).update();
	}

	/**
	 * Marks an active subscriber bounced (their address bounced, bounce.BounceRecorder): kept, never
	 * mailed, active again only through an import or {@code subscribers add} with
	 * {@code --resubscribe}. False when there is no such subscriber or they are not active (an
	 * unsubscribed one stays unsubscribed; a pending one has had no issue to bounce).
	 */
	public boolean markBounced(long id, Instant now) {
		return jdbc.sql("UPDATE subscriber SET status = 'bounced', updated_at = ? WHERE id = ? AND status = 'active'")
			.params(Timestamp.from(now), id)
			.update() > 0;
	}

	private static Stored stored(ResultSet rs, int row) throws SQLException {
		return new Stored(rs.getLong("id"), rs.getString("email"), rs.getString("name"), rs.getString("status"),
				rs.getString("attributes"), instant(rs, "created_at"), instant(rs, "updated_at"),
				instant(rs, "unsubscribed_at"), rs.getLong("import_id"), rs.getLong("import_line"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return time == null ? null : time.toInstant();
	}

	private static String fitting(String attributes) {
		if (attributes != null && attributes.length() > Attributes.MAX_JSON) {
			throw new IllegalArgumentException("attributes longer than " + Attributes.MAX_JSON + " characters");
		}
		return attributes;
	}
}
