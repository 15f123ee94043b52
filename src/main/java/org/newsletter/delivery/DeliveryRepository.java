package org.newsletter.delivery;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code delivery} table: one row per subscriber per issue, written as soon as the outcome is known. */
@Repository
public class DeliveryRepository {

	private static final int FETCH_SIZE = 1000;

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	public DeliveryRepository(JdbcClient jdbc, JdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	/** Counts of an issue's deliveries. */
	public record Counts(int sent, int failed) {
	}

	/**
	 * One subscriber's line in an issue's delivery report.
	 *
	 * @param status {@code sent}, {@code failed}, or {@code pending} (no delivery yet)
	 * @param attemptedAt when the outcome was known; null while pending
	 * @param smtpReply the server's reply; null while pending
	 * @param messageId the message's Message-ID; null while pending
	 */
	public record ReportLine(String email, String name, String status, Instant attemptedAt, String smtpReply,
			String messageId) {
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

	/**
	 * The issue's deliveries with {@code status} ({@code sent} or {@code failed}; both when
	 * null) in subscriber order, streamed: memory does not grow with the list.
	 */
	void forEachDelivery(long issueId, String status, Consumer<ReportLine> action) {
		var query = jdbc.sql("""
				SELECT s.email, s.name, d.status, d.attempted_at, d.smtp_reply, d.message_id
				FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
				WHERE d.issue_id = :issue %s
				ORDER BY d.subscriber_id""".formatted(status == null ? "" : "AND d.status = :status"))
			.param("issue", issueId);
		if (status != null) {
			query = query.param("status", status);
		}
		query.withFetchSize(FETCH_SIZE).query((ResultSet rs) -> {
			OffsetDateTime at = rs.getObject("attempted_at", OffsetDateTime.class);
			action.accept(new ReportLine(rs.getString("email"), rs.getString("name"), rs.getString("status"),
					at == null ? null : at.toInstant(), rs.getString("smtp_reply"), rs.getString("message_id")));
		});
	}

	/** The active subscribers who have no delivery of the issue yet, in id order, streamed. */
	void forEachPending(long issueId, Consumer<ReportLine> action) {
		jdbc.sql("""
				SELECT s.email, s.name FROM subscriber s WHERE s.status = 'active'
				AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.issue_id = ? AND d.subscriber_id = s.id)
				ORDER BY s.id""")
			.param(issueId)
			.withFetchSize(FETCH_SIZE)
			.query((ResultSet rs) -> {
				action.accept(new ReportLine(rs.getString("email"), rs.getString("name"), "pending", null, null, null));
			});
	}
}
