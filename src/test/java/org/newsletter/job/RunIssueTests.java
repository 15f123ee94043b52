package org.newsletter.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.newsletter.EndToEnd;
import org.newsletter.NewsletterApplication;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue of a run is read per job execution and reaches every send partition's thread:
 * two runs in one long-lived process (as under {@code serve}), one after the other and side
 * by side, each send their own issue to every subscriber and mark it sent.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RunIssueTests {

	private static final int SUBSCRIBERS = 10;

	private static final Pattern MESSAGE_ID = Pattern.compile("<issue-(\\d+)\\.subscriber-(\\d+)@");

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-20"))
		.subscribers(IntStream.rangeClosed(1, SUBSCRIBERS).mapToObj(i -> "reader" + i + "@example.org,Reader " + i)
			.toArray(String[]::new))
		.with("newsletter.send.connections", 3)
		.with("newsletter.send.chunk-size", 2);

	ConfigurableApplicationContext context;

	@BeforeEach
	void startProcess() {
		var application = new SpringApplication(NewsletterApplication.class);
		application.setDefaultProperties(Map.of("spring.config.additional-location", "optional:classpath:/batch-config/"));
		context = application.run(e2e.cli().with("newsletter.send.rate-limit", 8).settings().toArray(String[]::new));
	}

	@AfterEach
	void stopProcess() {
		context.close();
	}

	@Test
	void twoRunsOneAfterTheOtherEachSendTheirOwnIssue() throws Exception {
		JobExecution first = run("2026-03-21T00:00:00Z");
		e2e.feeds().serve(EndToEnd.planet("march-24"));
		JobExecution second = run("2026-03-24T08:00:00Z");

		assertEachSentItsOwnIssue(first, second);
	}

	@Test
	void twoRunsSideBySideEachSendTheirOwnIssue() throws Exception {
		var first = CompletableFuture.supplyAsync(() -> run("2026-03-21T00:00:00Z"));
		while (e2e.smtp().getReceivedMessages().length == 0 && !first.isDone()) {
			Thread.sleep(20); // the first run is sending: start the second, which shares the send rate with it
		}
		JobExecution second = run("2026-03-24T08:00:00Z");
		JobExecution firstDone = first.get();

		assertThat(step(firstDone, WeeklyDigestJobConfig.SEND_STEP).getEndTime())
			.as("the two send steps overlapped")
			.isAfter(step(second, WeeklyDigestJobConfig.SEND_STEP).getStartTime());
		assertEachSentItsOwnIssue(firstDone, second);
	}

	private JobExecution run(String cutoff) {
		var parameters = new DigestParameters(Instant.parse(cutoff), false, false, false).toJobParameters(Instant.now());
		try {
			return context.getBean(JobOperator.class).start(context.getBean("weeklyDigestJob", Job.class), parameters);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void assertEachSentItsOwnIssue(JobExecution... executions) throws Exception {
		var issues = context.getBean(IssueRepository.class);
		Map<Long, List<Long>> subscribersByIssue = messageIds().stream()
			.collect(Collectors.groupingBy(m -> Long.parseLong(m.group(1)),
					Collectors.mapping(m -> Long.parseLong(m.group(2)), Collectors.toList())));
		for (JobExecution execution : executions) {
			assertThat(execution.getStatus()).as(execution.toString()).isEqualTo(BatchStatus.COMPLETED);
			Issue issue = issues.findByJobInstance(execution.getJobInstance().getInstanceId()).orElseThrow();
			assertThat(issue.status()).as("marked sent by its own finish step").isEqualTo("SENT");
			assertThat(subscribersByIssue.get(issue.id())).as("issue " + issue.id() + " went to every subscriber once")
				.hasSize(SUBSCRIBERS)
				.doesNotHaveDuplicates();
		}
		assertThat(subscribersByIssue).as("no message of another issue").hasSize(executions.length);
	}

	private List<Matcher> messageIds() throws Exception {
		MimeMessage[] received = e2e.smtp().getReceivedMessages();
		Function<MimeMessage, String> id = message -> {
			try {
				return message.getMessageID();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		};
		return java.util.Arrays.stream(received).map(id).map(MESSAGE_ID::matcher).filter(Matcher::find).toList();
	}

	private static StepExecution step(JobExecution execution, String name) {
		return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst().orElseThrow();
	}
}
