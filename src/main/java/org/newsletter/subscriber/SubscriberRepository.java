package org.newsletter.subscriber;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code subscriber} table. */
@Repository
public class SubscriberRepository {

	private final JdbcClient jdbc;

	public SubscriberRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** What an upsert did. */
	public enum Change {
		ADDED, UPDATED, UNCHANGED
	}

	public Optional<Subscriber> findByEmail(String email) {
		return jdbc.sql("SELECT id, email, name, status FROM subscriber WHERE email_key = ?")
			.param(EmailAddresses.key(email))
			.query(Subscriber.class)
			.optional();
	}

	/** Every subscriber with {@code status}, or every subscriber when it is null, by id. */
	public List<Subscriber> findAll(String status) {
		// Not "? IS NULL": PostgreSQL cannot type a parameter that is only compared with NULL.
		return jdbc.sql("SELECT id, email, name, status FROM subscriber WHERE status = COALESCE(?, status) ORDER BY id")
			.param(status)
			.query(Subscriber.class)
			.list();
	}

	public int countActive() {
		return jdbc.sql("SELECT COUNT(*) FROM subscriber WHERE status = 'active'").query(Integer.class).single();
	}

	/**
	 * Adds or updates the subscriber with {@code email} (already normalised). An import never
	 * re-activates someone who unsubscribed unless {@code resubscribe}.
	 */
	public Change upsert(String email, String name, String status, boolean resubscribe, Instant now) {
		Optional<Subscriber> existing = findByEmail(email);
		Timestamp at = Timestamp.from(now);
		if (existing.isEmpty()) {
			jdbc.sql("""
					INSERT INTO subscriber (email, email_key, name, status, created_at, updated_at, unsubscribed_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)""")
				.params(email, EmailAddresses.key(email), name, status, at, at,
						Subscriber.UNSUBSCRIBED.equals(status) ? at : null)
				.update();
			return Change.ADDED;
		}
		Subscriber current = existing.get();
		String newStatus = Subscriber.UNSUBSCRIBED.equals(current.status()) && !resubscribe ? current.status() : status;
		String newName = name == null ? current.name() : name;
		if (java.util.Objects.equals(newName, current.name()) && newStatus.equals(current.status())
				&& email.equals(current.email())) {
			return Change.UNCHANGED;
		}
		jdbc.sql("""
				UPDATE subscriber SET email = ?, name = ?, status = ?, updated_at = ?,
				unsubscribed_at = CASE WHEN ? = 'unsubscribed' THEN COALESCE(unsubscribed_at, ?) ELSE NULL END
				WHERE id = ?""")
			.params(email, newName, newStatus, at, newStatus, at, current.id())
			.update();
		return Change.UPDATED;
	}

	/** Marks the subscriber unsubscribed; false when there is no such subscriber. */
	public boolean unsubscribe(long id, Instant now) {
		return jdbc.sql("""
				UPDATE subscriber SET status = 'unsubscribed', updated_at = ?, unsubscribed_at = COALESCE(unsubscribed_at, ?)
				WHERE id = ?""")
			.params(Timestamp.from(now), Timestamp.from(now), id)
			.update() > 0;
	}
}
