package org.newsletter.delivery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * An issue's deliveries at a glance, for the operator page: how many went out, failed, were
 * deferred, are still to go and have bounced since, and the first failures with the server's
 * reply. The whole report is {@link DeliveryReport}.
 */
@Repository
public class IssueDeliveries {

	private final JdbcClient jdbc;

	IssueDeliveries(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * What became of an issue's messages.
	 *
	 * @param sent accepted by the SMTP server (or written to the outbox)
	 * @param failed refused for good
	 * @param deferred refused for now past the retries; a restart retries them
	 * @param pending active subscribers with no delivery of the issue: whom a restart would send
	 *     it to (after the issue went out, who subscribed since)
	 * @param bounced subscribers with a delivery of the issue who are now in status {@code bounced}
	 */
	public record Tally(int sent, int failed, int deferred, int pending, int bounced) {

		/** The deliveries recorded: sent, failed and deferred. */
		public int recorded() {
			return sent + failed + deferred;
		}
	}

	/**
	 * One delivery that did not go out.
	 *
	 * @param email the address, or {@value DeliveryRepository#FORGOTTEN} for someone forgotten at their request
	 * @param status {@code failed} or {@code deferred}
	 * @param smtpReply the server's reply
	 */
	public record Failure(String email, String status, String smtpReply, Instant attemptedAt) {
	}

	/** The tally of issue {@code issueId}, in one query (one snapshot of the tables). */
	public Tally tally(long issueId) {
		return jdbc.sql("""
				SELECT COALESCE(SUM(CASE WHEN d.status = 'sent' THEN 1 ELSE 0 END), 0) AS sent,
				       COALESCE(SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
				       COALESCE(SUM(CASE WHEN d.status = 'deferred' THEN 1 ELSE 0 END), 0) AS deferred,
				       (SELECT COUNT(*) FROM subscriber p WHERE p.status = 'active'
				        AND NOT EXISTS (SELECT 1 FROM delivery x WHERE x.issue_id = :issue AND x.subscriber_id = p.id)) AS pending,
				       COALESCE(SUM(CASE WHEN s.status = 'bounced' THEN 1 ELSE 0 END), 0) AS bounced
				FROM delivery d LEFT JOIN subscriber s ON s.id = d.subscriber_id
				WHERE d.issue_id = :issue""")
			.param("issue", issueId)
			.query(Tally.class)
			.single();
	}

	/** The issue's first {@code limit} failed or deferred deliveries, the oldest first. */
	public List<Failure> failures(long issueId, int limit) {
		return jdbc.sql("""
				SELECT s.email, d.status, d.smtp_reply, d.attempted_at
				FROM delivery d LEFT JOIN subscriber s ON s.id = d.subscriber_id
				WHERE d.issue_id = ? AND d.status IN ('failed', 'deferred')
				ORDER BY d.attempted_at, d.subscriber_id""")
			.param(issueId)
			.withMaxRows(limit)
			.query((rs, row) -> {
				String email = rs.getString("email");
				OffsetDateTime at = rs.getObject("attempted_at", OffsetDateTime.class);
				return new Failure(email == null ? DeliveryRepository.FORGOTTEN : email, rs.getString("status"),
						rs.getString("smtp_reply"), at == null ? null : at.toInstant());
			})
			.list();
	}
}
