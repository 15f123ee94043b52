package org.newsletter.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code delivery} table: one row per subscriber per issue, written as soon as the outcome is known. */
@Repository
public class DeliveryRepository {

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	public DeliveryRepository(JdbcClient jdbc, JdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	/** Counts of an issue's deliveries. */
	public record Counts(int sent, int failed) {
	}

	/** Records deliveries as one JDBC batch. */
	void recordAll(List<DeliveryRecorder.Delivery> deliveries) {
		batch.batchUpdate("""
				INSERT INTO delivery (issue_id, subscriber_id, status, message_id, smtp_reply, attempted_at)
				VALUES (?, ?, ?, ?, ?, ?)""", deliveries, deliveries.size(), (ps, d) -> {
			ps.setLong(1, d.issueId());
			ps.setLong(2, d.subscriberId());
			ps.setString(3, d.sent() ? "sent" : "failed");
			ps.setString(4, d.messageId());
			ps.setString(5, d.reply() == null ? null : d.reply().length() > 1000 ? d.reply().substring(0, 1000) : d.reply());
			ps.setTimestamp(6, Timestamp.from(d.at()));
		});
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
