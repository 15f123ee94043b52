package org.newsletter.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.delivery.IssueDeliveries;
import org.newsletter.issue.IssueRepository;
import org.newsletter.subscriber.AudienceRepository;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the operator page reads of an issue once the job has sent it, on the job's own database:
 * the list by status as the finish step recorded it when the issue went out, and the issue's
 * tally (sent, failed with the server's reply, pending, bounced since) as it stands later.
 */
@DigestJobTest
class IssueOutcomeTests {

	private static final String CUTOFF = "2026-03-21T00:00:00Z";

	@Autowired
	private JobOperatorTestUtils jobOperatorTestUtils;

	@Autowired
	private DigestJobTestBed bed;

	@Autowired
	private SubscriberRepository subscribers;

	@Autowired
	private IssueRepository issues;

	@Autowired
	private AudienceRepository audiences;

	@Autowired
	private IssueDeliveries deliveries;

	@Autowired
	private JdbcClient jdbc;

	private final Instant before = Instant.parse(CUTOFF).minusSeconds(86400);

	@BeforeEach
	void startAfresh() {
		bed.reset();
		bed.feedList(bed.feed("real-python.xml"));
		for (String email : new String[] { "ada.outcome@example.org", "ben.outcome@example.org", "cy.outcome@example.org",
				"dora.outcome@example.org", "eve.outcome@example.org" }) {
			subscribers.subscribe(email, null, before);
		}
		subscribers.unsubscribe(id("dora.outcome@example.org"), before);
		status("eve.outcome@example.org", Subscriber.PENDING);
		bed.smtp().reply("ben.outcome@example.org", "550 5.1.1 no such user");
	}

	@Test
	void theListAsTheIssueWentOutIsRecordedAndTheTallyFollowsTheListAfterwards() throws Exception {
		// when
		JobExecution execution = jobOperatorTestUtils.startJob(DigestJobTestBed.run(CUTOFF));

		// then
		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		long issue = issues.findOutlineByJobInstance(execution.getJobInstance().getInstanceId()).orElseThrow().id();
		Map<String, Integer> recorded = audiences.of(List.of(issue)).get(issue).byStatus();
		assertThat(recorded.keySet()).containsExactlyElementsOf(Subscriber.STATUSES);
		assertThat(recorded).containsEntry(Subscriber.ACTIVE, 3).containsEntry(Subscriber.PENDING, 1)
			.containsEntry(Subscriber.UNSUBSCRIBED, 1).containsEntry(Subscriber.BOUNCED, 0);
		assertThat(deliveries.tally(issue)).isEqualTo(new IssueDeliveries.Tally(2, 1, 0, 0, 0));
		assertThat(deliveries.failures(issue, 20)).extracting(IssueDeliveries.Failure::email, IssueDeliveries.Failure::status)
			.containsExactly(tuple("ben.outcome@example.org", "failed"));
		assertThat(deliveries.failures(issue, 20).get(0).smtpReply()).contains("550 5.1.1 no such user");

		// and when, later, one address bounces and someone subscribes
		status("cy.outcome@example.org", Subscriber.BOUNCED);
		subscribers.subscribe("fay.outcome@example.org", null, Instant.now());

		// then the issue's record stays as it was, and its tally says so
		assertThat(audiences.of(List.of(issue)).get(issue).of(Subscriber.ACTIVE)).isEqualTo(3);
		assertThat(deliveries.tally(issue)).isEqualTo(new IssueDeliveries.Tally(2, 1, 0, 1, 1));
		assertThat(audiences.now().byStatus()).containsEntry(Subscriber.ACTIVE, 3).containsEntry(Subscriber.BOUNCED, 1);
	}

	@Test
	void aDryRunRecordsNoAudience() throws Exception {
		// when
		JobExecution execution = jobOperatorTestUtils.startJob(DigestJobTestBed.dryRun(CUTOFF));

		// then
		long issue = issues.findOutlineByJobInstance(execution.getJobInstance().getInstanceId()).orElseThrow().id();
		assertThat(audiences.of(List.of(issue))).isEmpty();
	}

	private long id(String email) {
		return subscribers.findByEmail(email).orElseThrow().id();
	}

	/** A status only sign-ups and bounces give, set as they would. */
	private void status(String email, String status) {
		jdbc.sql("UPDATE subscriber SET status = ? WHERE id = ?").params(status, id(email)).update();
	}
}
