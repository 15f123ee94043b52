package org.newsletter.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.io.file.PathUtils;
import org.newsletter.EndToEnd;
import org.newsletter.FeedServer;
import org.newsletter.ScriptedSmtpServer;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * What the {@link DigestJobTest}s run against, one of each for their shared context: a temporary
 * data directory (the HSQLDB file database the program makes there, migrated by its own Flyway
 * scripts), a real HTTP server serving the planet fixture's feeds under {@code /feeds/}, and a
 * {@link ScriptedSmtpServer} whose replies a test chooses per recipient. Each test starts from
 * {@link #reset()}: no feeds, entries, issues, subscribers or job executions.
 */
final class DigestJobTestBed implements AutoCloseable {

	private final Path dataDir;

	private final FeedServer feeds = new FeedServer(EndToEnd.planet("march-20"));

	private final ScriptedSmtpServer smtp = new ScriptedSmtpServer();

	private final ObjectProvider<DataSource> dataSource;

	private final ObjectProvider<JobRepositoryTestUtils> jobRepository;

	private final ObjectProvider<JobOperatorTestUtils> jobOperator;

	private final ObjectProvider<Job> jobs;

	private DigestJobTestBed(ObjectProvider<DataSource> dataSource, ObjectProvider<JobRepositoryTestUtils> jobRepository,
			ObjectProvider<JobOperatorTestUtils> jobOperator, ObjectProvider<Job> jobs) {
		this.dataSource = dataSource;
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
		this.jobs = jobs;
		try {
			this.dataDir = Files.createTempDirectory("newsletter-job-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The test bed and the settings that point the program at it. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		@Bean
		DigestJobTestBed digestJobTestBed(ObjectProvider<DataSource> dataSource,
				ObjectProvider<JobRepositoryTestUtils> jobRepository, ObjectProvider<JobOperatorTestUtils> jobOperator,
				ObjectProvider<Job> jobs) {
			return new DigestJobTestBed(dataSource, jobRepository, jobOperator, jobs);
		}

		@Bean
		DynamicPropertyRegistrar digestJobTestBedSettings(DigestJobTestBed bed) {
			return registry -> {
				registry.add("newsletter.data-dir", bed.dataDir::toString);
				registry.add("newsletter.feeds", () -> bed.dataDir.resolve("feeds.opml").toString());
				registry.add("spring.mail.port", bed.smtp::port);
			};
		}
	}

	/**
	 * Empties the app's tables, the job repository and the archive and outbox folders, names no
	 * feed, and points {@code JobOperatorTestUtils} at the weekly-digest job (the context has
	 * another job, the subscriber import, so {@code @SpringBatchTest} cannot choose).
	 */
	void reset() {
		jobOperator.getObject()
			.setJob(jobs.stream().filter(job -> job.getName().equals(WeeklyDigestJobConfig.JOB_NAME)).findFirst().orElseThrow());
		jobRepository.getObject().removeJobExecutions();
		var jdbc = JdbcClient.create(dataSource.getObject());
		Stream.of("delivery", "issue_entry", "issue", "entry", "feed", "subscriber", "run_heartbeat")
			.forEach(table -> jdbc.sql("DELETE FROM " + table).update());
		for (String folder : List.of("archive", "outbox")) {
			try {
				PathUtils.deleteDirectory(dataDir.resolve(folder));
			}
			catch (NoSuchFileException ex) {
				// no run wrote there yet
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		feeds.serve(EndToEnd.planet("march-20"));
		feedList();
	}

	/** The feed list names these URLs, in this order. */
	void feedList(String... urls) {
		var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
		for (String url : urls) {
			opml.append("<outline xmlUrl=\"").append(url).append("\"/>\n");
		}
		try {
			Files.writeString(dataDir.resolve("feeds.opml"), opml.append("</body></opml>\n"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The URL of a file of the served folder (a planet fixture feed), or of a path nothing answers (404). */
	String feed(String file) {
		return feeds.url("/feeds/" + file);
	}

	FeedServer feeds() {
		return feeds;
	}

	ScriptedSmtpServer smtp() {
		return smtp;
	}

	Path dataDir() {
		return dataDir;
	}

	/** The job parameters the {@code run} command gives a run with this cutoff. */
	static JobParameters run(String cutoff) {
		return new DigestParameters(Instant.parse(cutoff), false, false, false).toJobParameters(Instant.now());
	}

	/** The job parameters of {@code run --dry-run} with this cutoff. */
	static JobParameters dryRun(String cutoff) {
		return new DigestParameters(Instant.parse(cutoff), true, false, false).toJobParameters(Instant.now());
	}

	/**
	 * The execution of step {@code name} in a job execution. Here rather than in a test class:
	 * {@code @SpringBatchTest}'s scope listeners call a test's methods that return a step or job
	 * execution to make the test's own.
	 */
	static StepExecution step(JobExecution execution, String name) {
		return execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no step " + name + " in " + execution.getStepExecutions()));
	}

	/** Stops the servers, closes the database (its files are in the data directory) and deletes the directory. */
	@Override
	public void close() throws IOException {
		smtp.close();
		feeds.close();
		if (dataSource.getIfAvailable() instanceof HikariDataSource pool) {
			pool.close();
		}
		PathUtils.deleteDirectory(dataDir);
	}
}
