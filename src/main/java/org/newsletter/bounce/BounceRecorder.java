package org.newsletter.bounce;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code bounce} table, and the rule that marks a subscriber bounced.
 * <p>
 * A delivery bounces once: the first report of its failure is kept and a second one (a relay's
 * copy, or the same report read again after a crash between recording it and marking it read in
 * the mailbox) is a duplicate, so reading a report twice changes nothing.
 * <p>
 * The rule: a subscriber is marked bounced when the bounce just recorded belongs to a run of
 * bounced issues holding {@code hard-limit} hard bounces, or {@code soft-limit} bounces of any
 * kind. A run is the subscriber's consecutive issues (not dry runs) whose message bounced, with
 * no issue between them that was sent to them and did not bounce; issues they were not sent (not
 * yet subscribed, refused by SMTP at once) neither break a run nor count in it. A late report
 * counts where its issue is, not where it arrives, so reports read out of order give the same
 * result. Reads the {@code issue} and {@code delivery} tables (owned by their features) only to
 * find the subscriber's issues in order, each delivery by its primary key.
 */
@Component
class BounceRecorder {

	private final JdbcClient jdbc;

	private final SubscriberRepository subscribers;

	private final BounceProperties properties;

	BounceRecorder(JdbcClient jdbc, SubscriberRepository subscribers, BounceProperties properties) {
		this.jdbc = jdbc;
		this.subscribers = subscribers;
		this.properties = properties;
	}

	/** What recording one bounce did. */
	enum Outcome {

		/** Recorded, the subscriber's status unchanged. */
		RECORDED,

		/** Recorded, and the subscriber marked bounced by it. */
		SUBSCRIBER_BOUNCED,

		/** The delivery had a bounce already. */
		DUPLICATE,

		/**
		 * No such delivery: an issue or subscriber of another installation, a report that came before
		 * its delivery was recorded, or about someone forgotten since.
		 */
		NO_DELIVERY
	}

	/** Records {@code bounce} against delivery {@code ref}, in the caller's transaction. */
	Outcome record(DeliveryRef ref, Reading.Bounce bounce, String reportId, Instant now) {
		// the subscriber too: someone forgotten at their request keeps delivery rows but no subscriber row
		boolean delivered = jdbc.sql("""
				SELECT COUNT(*) FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
				WHERE d.issue_id = ? AND d.subscriber_id = ?""")
			.params(ref.issueId(), ref.subscriberId())
			.query(Integer.class)
			.single() > 0;
		if (!delivered) {
			return Outcome.NO_DELIVERY;
		}
		if (bounced(ref)) {
			return Outcome.DUPLICATE;
		}
		try {
			jdbc.sql("""
					INSERT INTO bounce (issue_id, subscriber_id, kind, status, diagnostic, report_id, recorded_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)""")
				.params(ref.issueId(), ref.subscriberId(), bounce.kind().column(), bounce.status(),
						bounce.diagnostic(), reportId == null || reportId.length() <= 300 ? reportId : reportId.substring(0, 300),
						Timestamp.from(now))
				.update();
		}
		catch (DuplicateKeyException ex) {
			return Outcome.DUPLICATE; // another process recorded the same report just now
		}
		return limitReached(ref) && subscribers.markBounced(ref.subscriberId(), now) ? Outcome.SUBSCRIBER_BOUNCED
				: Outcome.RECORDED;
	}

	/** Whether delivery {@code ref} has a bounce recorded. */
	boolean bounced(DeliveryRef ref) {
		return jdbc.sql("SELECT COUNT(*) FROM bounce WHERE issue_id = ? AND subscriber_id = ?")
			.params(ref.issueId(), ref.subscriberId())
			.query(Integer.class)
			.single() > 0;
	}

	/** One issue sent to the subscriber, and how it bounced (null: it did not). */
	private record Issued(long issueId, String kind) {
	}

	/** Whether the run of bounced issues around {@code ref}'s reaches the hard or the soft limit. */
	private boolean limitReached(DeliveryRef ref) {
		List<Issued> issued = new ArrayList<>();
		jdbc.sql("""
				SELECT i.id, d.status, b.kind FROM issue i
				LEFT JOIN delivery d ON d.issue_id = i.id AND d.subscriber_id = :subscriber
				LEFT JOIN bounce b ON b.issue_id = i.id AND b.subscriber_id = :subscriber
				WHERE i.dry_run = FALSE ORDER BY i.id""")
			.param("subscriber", ref.subscriberId())
			.query((ResultSet rs) -> {
				String kind = rs.getString(3);
				if (kind != null || "sent".equals(rs.getString(2))) {
					issued.add(new Issued(rs.getLong(1), kind));
				}
			});
		int at = -1;
		for (int i = 0; i < issued.size(); i++) {
			if (issued.get(i).issueId() == ref.issueId()) {
				at = i;
			}
		}
		if (at < 0) {
			return false;
		}
		int first = at;
		while (first > 0 && issued.get(first - 1).kind() != null) {
			first--;
		}
		int last = at;
		while (last + 1 < issued.size() && issued.get(last + 1).kind() != null) {
			last++;
		}
		List<Issued> run = issued.subList(first, last + 1);
		long hard = run.stream().filter(i -> Reading.Kind.HARD.column().equals(i.kind())).count();
		return hard >= properties.hardLimit() || run.size() >= properties.softLimit();
	}
}
