package org.newsletter.delivery;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
	public record Counts(int sent, int failed, int deferred) {
	}

	/** The address column of a delivery to someone forgotten at their request. */
	public static final String FORGOTTEN = "forgotten";

	/**
	 * One subscriber's line in an issue's delivery report.
	 *
	 * @param status {@code sent}, {@code failed}, {@code deferred}, {@code bounced} (sent, then
	 *     reported undeliverable), or {@code pending} (no delivery yet)
	 * @param attemptedAt when the outcome was known; null while pending
	 * @param smtpReply the server's reply; null while pending
	 * @param messageId the message's Message-ID; null while pending
	 */
	public record ReportLine(String email, String name, String status, Instant attemptedAt, String smtpReply,
			String messageId) {
	}

	/**
	 * Records deliveries as JDBC batches: new rows inserted, retried deferred ones replaced (their
	 * Message-ID is the same, DESIGN.md §5).
	 */
	void recordAll(List<DeliveryRecorder.Delivery> deliveries) {
		List<DeliveryRecorder.Delivery> added = deliveries.stream().filter(d -> !d.replacesDeferred()).toList();
		List<DeliveryRecorder.Delivery> replacing = deliveries.stream().filter(DeliveryRecorder.Delivery::replacesDeferred).toList();
		if (!added.isEmpty()) {
			batch.batchUpdate("""
					INSERT INTO delivery (status, message_id, smtp_reply, attempted_at, issue_id, subscriber_id)
					VALUES (?, ?, ?, ?, ?, ?)""", added, added.size(), DeliveryRepository::setValues);
		}
		if (!replacing.isEmpty()) {
			batch.batchUpdate("""
					UPDATE delivery SET status = ?, message_id = ?, smtp_reply = ?, attempted_at = ?
					WHERE issue_id = ? AND subscriber_id = ?""", replacing, replacing.size(), DeliveryRepository::setValues);
		}
	}

	private static void setValues(PreparedStatement ps, DeliveryRecorder.Delivery d) throws SQLException {
		ps.setString(1, d.status().column());
		ps.setString(2, d.messageId());
		ps.setString(3, d.reply() == null ? null : d.reply().length() > 1000 ? d.reply().substring(0, 1000) : d.reply());
		ps.setTimestamp(4, Timestamp.from(d.at()));
		ps.setLong(5, d.issueId());
		ps.setLong(6, d.subscriberId());
	}

	public Counts counts(long issueId) {
		return jdbc.sql("""
				SELECT COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS sent,
				       COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
				       COALESCE(SUM(CASE WHEN status = 'deferred' THEN 1 ELSE 0 END), 0) AS deferred
				FROM delivery WHERE issue_id = ?""")
			.param(issueId)
			.query(Counts.class)
			.single();
	}

	/** Active subscribers the send step has still to send the issue to: no delivery yet, or a deferred one. */
	public int countPending(long issueId) {
		return jdbc.sql("""
				SELECT COUNT(*) FROM subscriber s WHERE s.status = 'active'
				AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.issue_id = ? AND d.subscriber_id = s.id
				AND d.status <> 'deferred')""")
			.param(issueId)
			.query(Integer.class)
			.single();
	}

	/** Which subscribers with ids from {@code fromId} to {@code toId} have a deferred delivery of the issue. */
	Set<Long> deferredAmong(long issueId, long fromId, long toId) {
		return new HashSet<>(jdbc.sql("""
				SELECT subscriber_id FROM delivery
				WHERE issue_id = ? AND subscriber_id BETWEEN ? AND ? AND status = 'deferred'""")
			.params(issueId, fromId, toId)
			.query(Long.class)
			.list());
	}

	/**
	 * The latest issue (newest cutoff) that is not a dry run and has any delivery, sent or not: a
	 * later run that failed before sending has composed a newer issue with none.
	 */
	Optional<Long> latestIssueWithDeliveries() {
		return jdbc.sql("""
				SELECT i.id FROM issue i
				WHERE i.dry_run = FALSE AND EXISTS (SELECT 1 FROM delivery d WHERE d.issue_id = i.id)
				ORDER BY i.cutoff DESC, i.id DESC""")
			.withMaxRows(1)
			.query(Long.class)
			.optional();
	}

	/**
	 * The issue's deliveries with {@code status} ({@code sent}, {@code failed}, {@code deferred} or
	 * {@code bounced}; all when null) in subscriber order, streamed: memory does not grow with the list.
	 * A delivery to someone forgotten at their request (their subscriber row is gone) has
	 * {@value #FORGOTTEN} for its address and no name. A delivery with a row in the bounce feature's
	 * {@code bounce} table (read here for the report only) is {@code bounced}, whatever the SMTP
	 * server said when it took the message, and its reply is followed by the bounce's.
	 */
	void forEachDelivery(long issueId, String status, Consumer<ReportLine> action) {
		String only = status == null ? "" : "bounced".equals(status) ? "AND b.kind IS NOT NULL"
				: "AND d.status = :status AND b.kind IS NULL";
		var query = jdbc.sql("""
				SELECT s.email, s.name, d.status, d.attempted_at, d.smtp_reply, d.message_id, b.kind, b.status AS bounce_status,
				b.diagnostic
				FROM delivery d LEFT JOIN subscriber s ON s.id = d.subscriber_id
				LEFT JOIN bounce b ON b.issue_id = d.issue_id AND b.subscriber_id = d.subscriber_id
				WHERE d.issue_id = :issue %s
				ORDER BY d.subscriber_id""".formatted(only))
			.param("issue", issueId);
		if (status != null && !"bounced".equals(status)) {
			query = query.param("status", status);
		}
		query.withFetchSize(FETCH_SIZE).query((ResultSet rs) -> {
			OffsetDateTime at = rs.getObject("attempted_at", OffsetDateTime.class);
			String email = rs.getString("email");
			String kind = rs.getString("kind");
			String reply = rs.getString("smtp_reply");
			if (kind != null) {
				String diagnostic = rs.getString("diagnostic");
				reply = (reply == null ? "" : reply + "; ") + "bounced (" + kind + ") " + rs.getString("bounce_status")
						+ (diagnostic == null || diagnostic.isBlank() ? "" : ": " + diagnostic);
			}
			action.accept(new ReportLine(email == null ? FORGOTTEN : email, rs.getString("name"),
					kind != null ? "bounced" : rs.getString("status"), at == null ? null : at.toInstant(), reply,
					rs.getString("message_id")));
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
