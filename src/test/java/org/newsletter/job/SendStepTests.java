package org.newsletter.job;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.JobInstance;
import java.time.LocalDateTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The send step over real SMTP (DESIGN.md §5): a temporary refusal (4xx) is retried and the
 * message delivered once; a permanent refusal (5xx) of one recipient is that delivery's failure,
 * recorded with the server's reply, and the others are sent. The step reads the issue of its own
 * job execution, so the job runs whole, fed by a served feed.
 */
@DigestJobTest
class SendStepTests {

	private static final String CUTOFF = "2026-03-21T00:00:00Z";

	@Autowired
	private JobOperatorTestUtils jobOperatorTestUtils;

	@Autowired
	private DigestJobTestBed bed;

	@Autowired
	private SubscriberRepository subscribers;

	@Autowired
	private JdbcClient jdbc;

	@BeforeEach
	void startAfresh() {
		bed.reset();
		bed.feedList(bed.feed("real-python.xml"));
	}

	@Test
	void aTemporaryRefusalIsRetriedAndTheMessageDeliveredOnce() throws Exception {
		// given
		List<String> readers = subscribed("ada.4xx@example.org", "ben.4xx@example.org", "cy.4xx@example.org");
		bed.smtp().failTemporarily(1); // the first message gets "451 try again later" after its data

		// when
		JobExecution execution = jobOperatorTestUtils.startJob(DigestJobTestBed.run(CUTOFF));

		// then
		assertCompletedHavingWrittenToAll(execution, 3);
		for (String reader : readers) {
			assertThat(bed.smtp().messageIds(reader)).as(reader + " got the issue once").hasSize(1);
		}
		assertThat(deliveries()).extracting(Delivery::email, Delivery::status)
			.containsExactlyInAnyOrder(tuple(readers.get(0), "sent"), tuple(readers.get(1), "sent"),
					tuple(readers.get(2), "sent"));
	}

	@Test
	void aRunThatEndedUnknownIsFinishedByItsRestartWithEveryoneOnce(@Autowired JobRepository jobRepository,
			@Autowired RunRestart restart) throws Exception {
		// given: a run whose last execution ended UNKNOWN (Spring Batch could not record how it
		// ended), which Spring Batch alone refuses to restart
		List<String> readers = subscribed("ada.unknown@example.org", "ben.unknown@example.org");
		JobParameters parameters = DigestJobTestBed.run(CUTOFF);
		JobInstance instance = jobRepository.createJobInstance(WeeklyDigestJobConfig.JOB_NAME, parameters);
		JobExecution unknown = jobRepository.createJobExecution(instance, parameters, new ExecutionContext());
		StepExecution step = jobRepository.createStepExecution(WeeklyDigestJobConfig.FETCH_STEP, unknown);
		step.setStatus(BatchStatus.UNKNOWN);
		jobRepository.update(step);
		unknown.setStatus(BatchStatus.UNKNOWN);
		unknown.setStartTime(LocalDateTime.now());
		unknown.setEndTime(LocalDateTime.now());
		jobRepository.update(unknown);

		// when
		JobExecution finished = restart.resume(jobRepository.getJobExecution(unknown.getId()));

		// then
		assertThat(finished.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(jobRepository.getJobExecution(unknown.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
		for (String reader : readers) {
			assertThat(bed.smtp().messageIds(reader)).as(reader + " got the issue once").hasSize(1);
		}
	}

	@Test
	void aRestartAfterACrashWhileThePartitionsWereBeingCreatedSendsToEveryoneOnce(
			@Autowired JobRepository jobRepository, @Autowired RunRestart restart) throws Exception {
		// given: a run whose send deferred everyone (a relay refusing for a while), so nobody has it yet
		List<String> readers = subscribed("a.split@example.org", "b.split@example.org", "c.split@example.org",
				"d.split@example.org", "e.split@example.org", "f.split@example.org");
		bed.smtp().failTemporarily(1_000);
		JobExecution failed = jobOperatorTestUtils.startJob(DigestJobTestBed.run(CUTOFF));
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		bed.smtp().failTemporarily(0);
		// and its partitions left as a process killed while Spring Batch created them leaves them:
		// the first created but its context (its id range) not yet saved, the second not created
		JobExecution stored = jobRepository.getJobExecution(failed.getId());
		StepExecution first = DigestJobTestBed.step(stored, WeeklyDigestJobConfig.SEND_WORKER_STEP + ":partition0");
		first.setExecutionContext(new ExecutionContext());
		jobRepository.updateExecutionContext(first);
		long second = DigestJobTestBed.step(stored, WeeklyDigestJobConfig.SEND_WORKER_STEP + ":partition1").getId();
		jdbc.sql("DELETE FROM BATCH_STEP_EXECUTION_CONTEXT WHERE STEP_EXECUTION_ID = ?").param(second).update();
		jdbc.sql("DELETE FROM BATCH_STEP_EXECUTION WHERE STEP_EXECUTION_ID = ?").param(second).update();
		// and as many again subscribed since, which would split the ids elsewhere
		List<String> later = subscribed("g.split@example.org", "h.split@example.org", "i.split@example.org",
				"j.split@example.org", "k.split@example.org", "l.split@example.org");

		// when
		JobExecution finished = restart.resume(jobRepository.getJobExecution(failed.getId()));

		// then
		assertThat(finished.getStatus()).as(finished.getAllFailureExceptions().toString())
			.isEqualTo(BatchStatus.COMPLETED);
		for (String reader : concat(readers, later)) {
			assertThat(bed.smtp().messageIds(reader)).as(reader + " got the issue once").hasSize(1);
		}
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
	}

	@Test
	void aPermanentRefusalFailsThatDeliveryOnlyAndTheOthersAreSent() throws Exception {
		// given
		List<String> readers = subscribed("ada.5xx@example.org", "ben.5xx@example.org", "cy.5xx@example.org");
		bed.smtp().reply("ben.5xx@example.org", "550 5.1.1 no such user");

		// when
		JobExecution execution = jobOperatorTestUtils.startJob(DigestJobTestBed.run(CUTOFF));

		// then
		assertCompletedHavingWrittenToAll(execution, 3);
		assertThat(deliveries()).extracting(Delivery::email, Delivery::status)
			.containsExactlyInAnyOrder(tuple(readers.get(0), "sent"), tuple(readers.get(1), "failed"),
					tuple(readers.get(2), "sent"));
		assertThat(deliveries()).filteredOn(d -> d.status().equals("failed"))
			.singleElement()
			.extracting(Delivery::smtpReply)
			.asString()
			.contains("550 5.1.1 no such user");
		assertThat(bed.smtp().delivered()).contains(readers.get(0), readers.get(2)).doesNotContain(readers.get(1));
	}

	private static void assertCompletedHavingWrittenToAll(JobExecution execution, int subscribers) {
		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		StepExecution send = DigestJobTestBed.step(execution, WeeklyDigestJobConfig.SEND_STEP);
		assertThat(send.getExitStatus().getExitCode()).isEqualTo(ExitStatus.COMPLETED.getExitCode());
		assertThat(send.getReadCount()).isEqualTo(subscribers);
		assertThat(send.getWriteCount()).isEqualTo(subscribers);
		assertThat(send.getSkipCount()).isZero();
	}

	private List<String> subscribed(String... emails) {
		for (String email : emails) {
			subscribers.subscribe(email, null, Instant.parse(CUTOFF).minusSeconds(86400));
		}
		return List.of(emails);
	}

	record Delivery(String email, String status, String smtpReply) {
	}

	private List<Delivery> deliveries() {
		return jdbc.sql("SELECT s.email, d.status, d.smtp_reply FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id")
			.query(Delivery.class)
			.list();
	}
}
