package org.newsletter.signup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code sign_up} table (V11): per address that signed up, what its open sign-up asks for
 * and when it was last mailed.
 */
@Repository
class SignUpRepository {

	private final JdbcClient jdbc;

	SignUpRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A subscriber's sign-up.
	 *
	 * @param name the name given on the form, or null
	 * @param expiresAt when the open sign-up's link expires; null when none is open
	 * @param mailedAt the last confirmation mail
	 */
	record Row(long subscriberId, String name, Instant expiresAt, Instant mailedAt) {
	}

	Optional<Row> find(long subscriberId) {
		return jdbc.sql("SELECT subscriber_id, name, expires_at, mailed_at FROM sign_up WHERE subscriber_id = ?")
			.param(subscriberId)
			.query((rs, n) -> new Row(rs.getLong("subscriber_id"), rs.getString("name"), instant(rs, "expires_at"),
					instant(rs, "mailed_at")))
			.optional();
	}

	/**
	 * Takes the right to mail subscriber {@code id} at {@code now}, unless they were mailed after
	 * {@code notSince}; in one statement, so that of two services on one database only one mails.
	 */
	boolean claimMail(long subscriberId, Instant now, Instant notSince) {
		int claimed = jdbc.sql("UPDATE sign_up SET mailed_at = ? WHERE subscriber_id = ? AND mailed_at <= ?")
			.params(Timestamp.from(now), subscriberId, Timestamp.from(notSince))
			.update();
		if (claimed > 0) {
			return true;
		}
		if (find(subscriberId).isPresent()) {
			return false;
		}
		try {
			jdbc.sql("INSERT INTO sign_up (subscriber_id, mailed_at) VALUES (?, ?)")
				.params(subscriberId, Timestamp.from(now))
				.update();
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false; // claimed by another just now
		}
	}

	/** Gives back a claim whose mail did not go out, so that the next sign-up mails at once. */
	void releaseMail(long subscriberId, Instant mailedAt, Instant before) {
		jdbc.sql("UPDATE sign_up SET mailed_at = ? WHERE subscriber_id = ? AND mailed_at = ?")
			.params(Timestamp.from(before), subscriberId, utc(mailedAt))
			.update();
	}

	/** Opens (or replaces) the sign-up of subscriber {@code id}: its link expires at {@code expiresAt}. */
	void open(long subscriberId, String name, Instant expiresAt) {
		jdbc.sql("UPDATE sign_up SET name = ?, expires_at = ? WHERE subscriber_id = ?")
			.params(name, Timestamp.from(expiresAt), subscriberId)
			.update();
	}

	/** Closes the open sign-up of subscriber {@code id} (confirmed): its links no longer work. */
	void close(long subscriberId) {
		jdbc.sql("UPDATE sign_up SET name = NULL, expires_at = NULL WHERE subscriber_id = ?").param(subscriberId).update();
	}

	/** Up to {@code max} subscribers whose sign-up expired at or before {@code now}. */
	List<Long> expired(Instant now, int max) {
		return jdbc.sql("SELECT subscriber_id FROM sign_up WHERE expires_at <= ? ORDER BY expires_at")
			.param(Timestamp.from(now))
			.withMaxRows(max)
			.query(Long.class)
			.list();
	}

	/** Closes the sign-ups of these subscribers that expired at or before {@code now}. */
	void closeExpired(Collection<Long> subscriberIds, Instant now) {
		if (!subscriberIds.isEmpty()) {
			jdbc.sql("UPDATE sign_up SET name = NULL, expires_at = NULL WHERE subscriber_id IN (:ids) AND expires_at <= :now")
				.param("ids", subscriberIds)
				.param("now", Timestamp.from(now))
				.update();
		}
	}

	/** Deletes what there is no more reason to keep: no open sign-up, last mailed at or before {@code before}. */
	int deleteClosedMailedBefore(Instant before) {
		return jdbc.sql("DELETE FROM sign_up WHERE expires_at IS NULL AND mailed_at <= ?")
			.param(Timestamp.from(before))
			.update();
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return time == null ? null : time.toInstant();
	}

	/** For a comparison with a value read back: OffsetDateTime compares exactly in HSQLDB and PostgreSQL alike. */
	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}
}
