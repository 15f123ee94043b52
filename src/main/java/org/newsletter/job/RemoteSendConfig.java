package org.newsletter.job;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.newsletter.config.BadInputException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.SendStop;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.integration.config.annotation.EnableBatchIntegration;
import org.springframework.batch.integration.partition.RemotePartitioningManagerStepBuilderFactory;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.Pollers;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;
import org.springframework.integration.jdbc.store.channel.PostgresChannelMessageStoreQueryProvider;
import org.springframework.integration.store.MessageGroupQueue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The send step across hosts (README, Several hosts; DESIGN.md §10), on with
 * {@code newsletter.send.remote=true}: Spring Batch remote partitioning. The manager (the
 * process that runs the job: {@code run}, {@code restart}, {@code serve}'s schedule) splits the
 * subscribers into id ranges as the local send does, stores one partition step execution per
 * range in the job repository and puts a request for each into a Spring Integration JDBC
 * channel ({@link JdbcChannelMessageStore}) on the same PostgreSQL database, so there is no
 * broker to run; {@code ./newsletter worker} processes on any host take the requests and send
 * their ranges over their own SMTP connections; the manager polls the job repository until every
 * partition has ended ({@link PartitionWatch} makes sure that happens when workers die).
 * <p>
 * {@code @EnableBatchIntegration} only adds the remote-partitioning builders (and Spring
 * Integration's infrastructure) on top of Boot's batch auto-configuration, whose job repository
 * and transaction manager they take; unlike {@code @EnableBatchProcessing} it does not switch
 * that auto-configuration off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(RemoteSend.REMOTE)
@EnableBatchIntegration
public class RemoteSendConfig {

	/** The Spring profile of a {@code worker} process: it takes requests from the channel. */
	public static final String WORKER_PROFILE = "worker";

	/** The channel's group in the message store: the one queue of send partition requests. */
	static final String REQUESTS = "newsletter-send-requests";

	/** A partition's context key: its share of {@code newsletter.send.rate-limit}, messages per second. */
	static final String PARTITION_RATE = "rateLimit";

	/** A partition's context key: the run's message settings, as {@link #messageSettings} makes them. */
	static final String MESSAGE_SETTINGS = "messageSettings";

	/** The send step's context key: how many partitions its first start made. */
	static final String PARTITIONS = "partitions";

	/** A partition's context key: the worker ({@code host:pid}) that sent it. */
	static final String WORKER = "worker";

	/** How often the manager looks at the partitions in the job repository. */
	static final long POLL_MILLIS = 1000;

	/** How often an idle worker looks for a request. */
	static final Duration WORKER_POLL = Duration.ofMillis(500);

	RemoteSendConfig(DataSource dataSource) {
		requirePostgres(dataSource);
	}

	/**
	 * Every host must reach the job repository and the channel: a database file of one host
	 * cannot be shared, so HSQLDB is refused at once, in one line.
	 */
	private static void requirePostgres(DataSource dataSource) {
		String product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(dataSource, metaData -> metaData.getDatabaseProductName());
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("cannot tell which database spring.datasource.url names: " + ex.getMessage(), ex);
		}
		if (!"PostgreSQL".equals(product)) {
			throw new BadInputException(RemoteSend.REMOTE + "=true (and ./newsletter worker) needs PostgreSQL, which the "
					+ "workers on every host reach; this database is " + product + ": set spring.datasource.url to a "
					+ "PostgreSQL database (README, Several hosts) or leave " + RemoteSend.REMOTE + " unset");
		}
	}

	@Bean
	SendWorkers sendWorkers(JdbcClient jdbc, Clock clock) {
		return new SendWorkers(jdbc, clock);
	}

	/** The partition requests' table, {@code INT_CHANNEL_MESSAGE} (Flyway V14), read with PostgreSQL's SKIP LOCKED. */
	@Bean
	JdbcChannelMessageStore sendRequestStore(DataSource dataSource) {
		var store = new JdbcChannelMessageStore(dataSource);
		store.setChannelMessageStoreQueryProvider(new PostgresChannelMessageStoreQueryProvider());
		store.setRegion("newsletter");
		// a request is a Spring message carrying a StepExecutionRequest: nothing else is read back
		store.addAllowedPatterns("org.springframework.messaging.support.GenericMessage",
				"org.springframework.messaging.MessageHeaders", "org.springframework.batch.integration.partition.*",
				"java.util.*", "java.lang.*");
		return store;
	}

	@Bean
	QueueChannel sendRequests(JdbcChannelMessageStore sendRequestStore) {
		return new QueueChannel(new MessageGroupQueue(sendRequestStore, REQUESTS));
	}

	@Bean
	PartitionWatch partitionWatch(SendWorkers sendWorkers, JobRepository jobRepository, RemoteSend settings,
			RunReport report, JdbcChannelMessageStore sendRequestStore, Clock clock) {
		return new PartitionWatch(sendWorkers, jobRepository, settings, report, sendRequestStore, clock, POLL_MILLIS);
	}

	/**
	 * The send step of a remote run, in place of the local one ({@code WeeklyDigestJobConfig}):
	 * the same partitions, each sent by whichever worker takes its request. The manager learns
	 * their outcome from the job repository, so no reply channel is needed.
	 */
	@Bean
	@Qualifier(WeeklyDigestJobConfig.SEND_STEP)
	Step remoteSendStep(RemotePartitioningManagerStepBuilderFactory managerSteps, Partitioner remoteRanges,
			QueueChannel sendRequests, PartitionWatch partitionWatch, RunReport report, JobRepository jobRepository) {
		return managerSteps.get(WeeklyDigestJobConfig.SEND_STEP)
			.partitioner(WeeklyDigestJobConfig.SEND_WORKER_STEP, remoteRanges)
			.splitter(WeeklyDigestJobConfig.sendSplitter(jobRepository, remoteRanges))
			.outputChannel(sendRequests)
			.pollInterval(POLL_MILLIS)
			.listener(partitionWatch)
			.listener(report)
			.build();
	}

	/**
	 * The local send's id ranges ({@code subscriberRanges}), {@code newsletter.send.partitions} of
	 * them or four for each live worker, each carrying its share of the rate limit (every worker
	 * paces the partitions it sends, so together they keep to the limit) and the run's message
	 * settings for the workers to compare with theirs.
	 */
	@Bean
	@StepScope
	Partitioner remoteRanges(Partitioner subscriberRanges, SendWorkers sendWorkers, RemoteSend settings,
			NewsletterProperties properties, UnsubscribeLinks links, @Value("#{stepExecution}") StepExecution step) {
		return gridSize -> {
			int live = sendWorkers.live().size();
			// A restart asks for the partitions again, by name: the same count as at the first start, however
			// many workers are alive now (the step's context is carried over to the restart's).
			ExecutionContext context = step.getExecutionContext();
			int count = context.containsKey(PARTITIONS) ? context.getInt(PARTITIONS)
					: settings.partitions() > 0 ? settings.partitions() : 4 * Math.max(1, live);
			context.putInt(PARTITIONS, count);
			Map<String, ExecutionContext> partitions = subscriberRanges.partition(count);
			double rate = properties.send().rateLimit();
			String messageSettings = messageSettings(properties, links);
			partitions.values().forEach(range -> {
				range.putString(MESSAGE_SETTINGS, messageSettings);
				if (rate > 0) {
					range.putDouble(PARTITION_RATE, rate / count);
				}
			});
			step.getExecutionContext().putString(RunReport.DESTINATION,
					(DigestParameters.of(step.getJobParameters()).outbox() ? "the outbox folders of the send workers"
							: "SMTP by the send workers") + " (" + count + " partitions, " + live
							+ (live == 1 ? " worker" : " workers") + " alive at the start)");
			return partitions;
		};
	}

	/**
	 * What makes a message besides the issue and the subscriber, as a keyed hash (it covers the
	 * unsubscribe secret without showing it): a worker configured otherwise than the run refuses
	 * to send, as its messages and unsubscribe links would differ.
	 */
	static String messageSettings(NewsletterProperties properties, UnsubscribeLinks links) {
		return links.addressHash(String.join("\n", "message-settings", properties.from(), properties.replyTo(),
				properties.title(), properties.baseUrl(), properties.unsubscribeMailto(), properties.dkim().domain(),
				properties.dkim().selector()));
	}

	/**
	 * The worker's side, in {@code ./newsletter worker} only: up to {@code newsletter.send.connections}
	 * requests taken at once from the channel, each run by Spring Batch Integration's
	 * {@link StepExecutionRequestHandler} on a thread of its own, as the local send step runs a
	 * partition. (Spring Batch's {@code RemotePartitioningWorkerStepBuilder} builds the same flow,
	 * but only around a step it builds itself; this one hands over the job's own partition step,
	 * {@code sendWorkerStep}, wrapped by {@link SendWorker}.)
	 */
	@Configuration(proxyBeanMethods = false)
	@Profile(WORKER_PROFILE)
	static class Worker {

		@Bean
		StepExecutionRequestHandler sendRequestHandler(JobRepository jobRepository, ObjectProvider<SendWorker> sendWorker) {
			var handler = new StepExecutionRequestHandler();
			handler.setJobRepository(jobRepository);
			handler.setStepLocator(name -> sendWorker.getObject().getStep(name));
			return handler;
		}

		/**
		 * The poller hands each request to a thread of its own, at most {@code connections} at
		 * once: with all of them busy it waits, so a busy worker leaves the next requests to the
		 * others.
		 */
		@Bean
		IntegrationFlow sendRequestsFlow(QueueChannel sendRequests, StepExecutionRequestHandler sendRequestHandler,
				NewsletterProperties properties) {
			var partitions = new SimpleAsyncTaskExecutor("send-");
			partitions.setConcurrencyLimit(properties.send().connections());
			return IntegrationFlow.from(sendRequests)
				.handle(sendRequestHandler, "handle", endpoint -> endpoint.poller(Pollers.fixedDelay(WORKER_POLL)
					.maxMessagesPerPoll(1)
					.receiveTimeout(0)
					.taskExecutor(partitions)))
				.nullChannel();
		}

		@Bean
		SendWorker sendWorker(SendWorkers sendWorkers, SendStop sendStop, IntegrationFlow sendRequestsFlow,
				Step sendWorkerStep, JobRepository jobRepository, NewsletterProperties properties, UnsubscribeLinks links) {
			return new SendWorker(sendWorkers, sendStop, (Lifecycle) sendRequestsFlow, sendWorkerStep, jobRepository,
					messageSettings(properties, links), properties.send().connections());
		}
	}
}
