package org.newsletter.delivery;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code delivery} table: one row per subscriber per issue, written as soon as the outcome is known. */
@Repository
public class DeliveryRepository {

	private final JdbcClient jdbc;

	public DeliveryRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Counts of an issue's deliveries. */
	public record Counts(int sent, int failed) {
	}

	public void record(long issueId, long subscriberId, boolean sent, String messageId, String reply, Instant at) {
		jdbc.sql("""
				INSERT INTO delivery (issue_id, subscriber_id, status, message_id, smtp_reply, attempted_at)
				VALUES (?, ?, ?, ?, ?, ?)""")
			.params(issueId, subscriberId, sent ? "sent" : "failed", messageId,
					reply == null ? null : reply.length() > 1000 ? reply.substring(0, 1000) : reply, Timestamp.from(at))
			.update();
	}

	public Counts counts(long issueId) {
		return jdbc.sql("""
				SELECT COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS sent,
				       COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
				FROM delivery WHERE issue_id = ?""")
			.param(issueId)
			.query(Counts.class)
			.single();
	}

	/** Active subscribers who have no delivery of the issue yet. */
	public int countPending(long issueId) {
		return jdbc.sql("""
				SELECT COUNT(*) FROM subscriber s WHERE s.status = 'active'
				AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.issue_id = ? AND d.subscriber_id = s.id)""")
			.param(issueId)
			.query(Integer.class)
			.single();
	}
}
