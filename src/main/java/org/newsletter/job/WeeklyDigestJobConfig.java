package org.newsletter.job;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.newsletter.bounce.BounceCheck;
import org.newsletter.config.DataDirSpace;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.StorageFailures;
import org.newsletter.delivery.DeliveryRecorder;
import org.newsletter.delivery.DeliveryRepository;
import org.newsletter.delivery.DeliveryWriter;
import org.newsletter.delivery.SendStop;
import org.newsletter.delivery.MessageFactory;
import org.newsletter.delivery.MessageSender;
import org.newsletter.delivery.MessageSenders;
import org.newsletter.delivery.SendRate;
import org.newsletter.feed.FeedException;
import org.newsletter.feed.FeedFetchProcessor;
import org.newsletter.feed.FeedList;
import org.newsletter.feed.FeedPrefetcher;
import org.newsletter.feed.FeedRepository;
import org.newsletter.feed.FeedWriter;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueArchive;
import org.newsletter.issue.IssueComposer;
import org.newsletter.issue.IssueRepository;
import org.newsletter.subscriber.AudienceRepository;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The weekly-digest job (DESIGN.md §1): bounces → fetch → compose → send → finish. Its steps
 * are wired here and only here.
 */
@Configuration(proxyBeanMethods = false)
public class WeeklyDigestJobConfig {

	public static final String JOB_NAME = "weekly-digest";

	/** Reads the bounce mailbox before anything is sent (bounce.BounceCheck). */
	public static final String BOUNCE_STEP = "bounces";

	public static final String FETCH_STEP = "fetch";

	public static final String COMPOSE_STEP = "compose";

	public static final String SEND_STEP = "send";

	public static final String FINISH_STEP = "finish";

	/** The step each send partition runs; its executions are named {@code send-worker:partitionN}. */
	public static final String SEND_WORKER_STEP = "send-worker";

	/** A send partition's id range, put in its context by the partitioner, read by its reader. */
	private static final String MIN_ID = "minId";

	private static final String MAX_ID = "maxId";

	/** The send step's context key (followed by the grid size) of the ids its ranges are split at. */
	private static final String SPLITS = "splits.";

	private static final String PENDING_READER = "pendingSubscribers";

	/** The job context's key for the path of the archived issue page, put by the finish step. */
	public static final String ARCHIVE = "archive";

	/** The exit code of a run that found too few entries: the job completes, nothing is sent. */
	public static final String NOTHING_TO_SEND = "NOTHING_TO_SEND";

	@Bean
	Job weeklyDigestJob(JobRepository jobRepository, Step bounceStep, Step fetchStep, Step composeStep,
			@Qualifier(SEND_STEP) Step sendStep, Step finishStep, RunHeartbeat heartbeat) {
		return new JobBuilder(JOB_NAME, jobRepository)
			.listener(heartbeat)
			.start(bounceStep)
			.next(fetchStep)
			.next(composeStep)
			.on(NOTHING_TO_SEND).end()
			.from(composeStep).on("FAILED").fail()
			.from(composeStep).on("*").to(sendStep)
			.next(finishStep)
			.end()
			.build();
	}

	/**
	 * The bounces step: each bounce is committed on its own before it is set aside in the mailbox,
	 * so the step holds no transaction of its own.
	 */
	@Bean
	Step bounceStep(JobRepository jobRepository, BounceCheck bounces, RunReport report) {
		return new StepBuilder(BOUNCE_STEP, jobRepository)
			.tasklet(new BounceTasklet(bounces), new ResourcelessTransactionManager())
			.listener(report)
			.build();
	}

	/**
	 * Feeds per chunk of the fetch step, each chunk written in one transaction while the
	 * reader's fetchers go on with the next feeds. The fetch step starts over on a restart
	 * whatever the chunk size (its reader keeps no position).
	 */
	static final int FETCH_CHUNK = 50;

	@Bean
	Step fetchStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			FeedPrefetcher feedPrefetcher, FeedWriter feedWriter, RunReport report) {
		return new StepBuilder(FETCH_STEP, jobRepository)
			.<FeedPrefetcher.Prefetched, FeedFetchProcessor.Fetched>chunk(FETCH_CHUNK)
			.transactionManager(transactionManager)
			.reader(feedPrefetcher)
			.processor(FeedPrefetcher.Prefetched::fetched)
			.writer(feedWriter)
			.faultTolerant()
			.skip(FeedException.class)
			.skipLimit(Long.MAX_VALUE)
			.skipListener(feedWriter)
			.listener(report)
			.build();
	}

	/**
	 * The fetch step's reader: the feed list, fetched {@code fetch.concurrency} at a time up to
	 * two chunks ahead, with every feed's validators read in one query as the step starts.
	 */
	@Bean
	@StepScope
	FeedPrefetcher feedPrefetcher(NewsletterProperties properties, FeedFetchProcessor processor, FeedRepository feeds) {
		return new FeedPrefetcher(FeedList.read(java.nio.file.Path.of(properties.feeds())), processor, feeds.validators(),
				properties.fetch().concurrency(), 2 * FETCH_CHUNK);
	}

	@Bean
	@StepScope
	FeedWriter feedWriter(FeedRepository feeds, Clock clock, @Value("#{jobParameters['cutoff']}") String cutoff) {
		return new FeedWriter(feeds, clock, Instant.parse(cutoff));
	}

	@Bean
	Step composeStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			IssueComposer composer, RunReport report) {
		return new StepBuilder(COMPOSE_STEP, jobRepository).tasklet(new ComposeTasklet(composer), transactionManager)
			.listener(report)
			.build();
	}

	/**
	 * The send step: partitioned by subscriber id range over {@code newsletter.send.connections}
	 * threads, each worker holding one SMTP connection open across its messages (DESIGN.md §10).
	 * A restart runs again only the partitions that did not complete (a partition that deferred
	 * deliveries ends failed), and each reads only who has not had the issue yet or had it deferred.
	 * With {@code newsletter.send.remote=true}, {@link RemoteSendConfig}'s send step replaces it: the
	 * same partitions, sent by worker processes.
	 */
	@Bean
	@Qualifier(SEND_STEP)
	@ConditionalOnBooleanProperty(name = RemoteSend.REMOTE, havingValue = false, matchIfMissing = true)
	Step sendStep(JobRepository jobRepository, Step sendWorkerStep, Partitioner subscriberRanges,
			NewsletterProperties properties, RunReport report) {
		int connections = properties.send().connections();
		var executor = new SimpleAsyncTaskExecutor("send-");
		executor.setConcurrencyLimit(connections);
		executor.setTaskDecorator(new JobScopeCarrier()); // the partitions read the job-scoped RunIssue
		return new StepBuilder(SEND_STEP, jobRepository).partitioner(SEND_WORKER_STEP, subscriberRanges)
			.splitter(sendSplitter(jobRepository, subscriberRanges))
			.step(sendWorkerStep)
			.gridSize(connections)
			.taskExecutor(executor)
			.listener(report)
			.build();
	}

	/** Spring Batch's splitter, which also gives back its range to a partition a crash left without. */
	static PlannedSplitter sendSplitter(JobRepository jobRepository, Partitioner ranges) {
		return new PlannedSplitter(jobRepository, SEND_WORKER_STEP, ranges, MAX_ID);
	}

	/**
	 * Splits the active subscribers into id ranges of about the same size; the first range
	 * starts at 0 and the last is open-ended, so whoever subscribes before a restart is covered.
	 * The split points are chosen once per run and saved in the send step's context before any
	 * partition exists (a restart carries that context over): every start of the run, restarts
	 * after a crash in the middle of creating the partitions included, has the same ranges, so
	 * none is left out or shifted over ids another range had. Also tells the report how many
	 * messages the step has to send and where they go.
	 */
	@Bean
	@StepScope
	Partitioner subscriberRanges(@Value("#{stepExecution}") StepExecution step, SubscriberRepository subscribers,
			RunIssue runIssue, DeliveryRepository deliveries, MessageSenders senders,
			NewsletterProperties properties, DataSource dataSource, JobRepository jobRepository) {
		Issue issue = runIssue.issue();
		long pending = deliveries.countPending(issue.id());
		step.getExecutionContext().putLong(RunReport.PENDING, pending);
		if (StorageFailures.of(dataSource).isPresent()) { // the HSQLDB files are in the data directory
			DataDirSpace.checkRoomFor(properties.dataDir(), pending, properties.send().freeSpaceReserve());
		}
		step.getExecutionContext().putString(RunReport.DESTINATION,
				DigestParameters.of(step.getJobParameters()).outbox() || !senders.smtpConfigured()
						? "the outbox folder " + senders.outbox(issue.id()) : "SMTP");
		return gridSize -> {
			List<Long> splits = plannedSplits(step, gridSize, subscribers, jobRepository);
			Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
			for (int i = 0; i < gridSize; i++) {
				long min = i == 0 ? 0 : i <= splits.size() ? splits.get(i - 1) : Long.MAX_VALUE;
				var range = new ExecutionContext();
				range.putLong(MIN_ID, min);
				range.putLong(MAX_ID, i < splits.size() ? splits.get(i) - 1 : i == splits.size() ? Long.MAX_VALUE : 0);
				partitions.put("partition" + i, range);
			}
			return partitions;
		};
	}

	private static List<Long> plannedSplits(StepExecution step, int gridSize, SubscriberRepository subscribers,
			JobRepository jobRepository) {
		ExecutionContext context = step.getExecutionContext();
		String key = SPLITS + gridSize;
		if (context.containsKey(key)) {
			String saved = context.getString(key);
			return saved.isEmpty() ? List.of() : Arrays.stream(saved.split(",")).map(Long::valueOf).toList();
		}
		List<Long> splits = subscribers.activeIdSplits(gridSize);
		context.putString(key, splits.stream().map(String::valueOf).collect(Collectors.joining(",")));
		jobRepository.updateExecutionContext(step);
		return splits;
	}

	/**
	 * One partition's sending. Its chunks hold no database transaction: every delivery is
	 * committed on its own as it happens (DeliveryRecorder), and a page read is one short
	 * statement. A chunk transaction held open while waiting for those commits would also stop
	 * HSQLDB's automatic checkpoint, which waits for every open transaction, for good.
	 */
	@Bean
	Step sendWorkerStep(JobRepository jobRepository, JdbcPagingItemReader<Subscriber> pendingSubscribers,
			DeliveryWriter deliveryWriter, NewsletterProperties properties, RunReport report) {
		return new StepBuilder(SEND_WORKER_STEP, jobRepository)
			.<Subscriber, Subscriber>chunk(properties.send().chunkSize())
			.transactionManager(new ResourcelessTransactionManager())
			.reader(pendingSubscribers)
			.writer(deliveryWriter)
			.listener(report)
			.build();
	}

	/**
	 * The active subscribers of one partition's id range with no delivery of this issue yet or a
	 * deferred one, a page at a time in id order: each page is a short statement that continues
	 * after the last id read. It keeps no position: every start of the partition, restarts
	 * included, reads its range from the beginning, and the query itself leaves out whoever
	 * already had the issue (sent or failed), so a restart sends to whom it still has to and
	 * retries the deferred (a deferral lies behind any saved position).
	 * <p>
	 * The range's lower bound is written {@code s.id + 0 >= :minId} so that HSQLDB does not take it
	 * as the index range: with {@code s.id >= :minId} it walked the key from {@code minId} for
	 * every page, next to the page's own {@code s.id > :lastId} (measured on 400,000 subscribers,
	 * pages of 500 from id 300,000: 56 ms a page, growing with the depth, against 1 ms). This
	 * way only a partition's first page walks the ids before its range, once.
	 */
	@Bean
	@StepScope
	JdbcPagingItemReader<Subscriber> pendingSubscribers(DataSource dataSource, NewsletterProperties properties,
			@Value("#{stepExecution}") StepExecution step, RunIssue runIssue) throws Exception {
		Issue issue = runIssue.issue();
		ExecutionContext range = step.getExecutionContext();
		return new JdbcPagingItemReaderBuilder<Subscriber>().name(PENDING_READER)
			.dataSource(dataSource)
			.saveState(false)
			.selectClause("SELECT s.id, s.email, s.name, s.status, s.attributes")
			.fromClause("FROM subscriber s")
			.whereClause("""
					s.id + 0 >= :minId AND s.id <= :maxId AND s.status = 'active' AND NOT EXISTS
					(SELECT 1 FROM delivery d WHERE d.issue_id = :issueId AND d.subscriber_id = s.id
					AND d.status <> 'deferred')""")
			.parameterValues(Map.of("issueId", issue.id(), "minId", range.containsKey(MIN_ID) ? range.getLong(MIN_ID) : 0L,
					"maxId", range.getLong(MAX_ID)))
			.sortKeys(Map.of("id", Order.ASCENDING))
			.rowMapper(new DataClassRowMapper<>(Subscriber.class))
			.pageSize(properties.send().chunkSize())
			.fetchSize(properties.send().chunkSize())
			.build();
	}

	@Bean
	@StepScope
	DeliveryWriter deliveryWriter(@Value("#{stepExecution}") StepExecution step, RunIssue runIssue,
			MessageFactory messages, MessageSenders senders, DeliveryRecorder recorder, DeliveryRepository deliveries,
			SendRate sendRate, Clock clock, SubscriberRepository subscribers, SendStop stop) {
		Issue issue = runIssue.issue();
		MessageSender sender = senders.open(DigestParameters.of(step.getJobParameters()).outbox(), issue.id());
		// a remote partition keeps to its share of the rate limit, whichever worker sends it
		SendRate rate = step.getExecutionContext().containsKey(RemoteSendConfig.PARTITION_RATE)
				? new SendRate(step.getExecutionContext().getDouble(RemoteSendConfig.PARTITION_RATE)) : sendRate;
		return new DeliveryWriter(issue, messages, sender, recorder, deliveries, rate, clock, step,
				subscribers::isActive, stop);
	}

	/** One pace for all the connections (a process runs one job at a time). */
	@Bean
	SendRate sendRate(NewsletterProperties properties) {
		return new SendRate(properties.send().rateLimit());
	}

	/** The issue the compose step made, read once per job execution when the send step plans its partitions. */
	@Bean
	@JobScope
	RunIssue runIssue(@Value("#{jobExecution}") JobExecution execution, IssueRepository issues) {
		return new RunIssue(issues, execution.getJobInstance().getInstanceId());
	}

	@Bean
	Step finishStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			IssueRepository issues, RunIssue runIssue, IssueArchive archive, AudienceRepository audiences, Clock clock,
			RunReport report) {
		return new StepBuilder(FINISH_STEP, jobRepository)
			.tasklet(new FinishTasklet(issues, runIssue, archive, audiences, clock), transactionManager)
			.listener(report)
			.build();
	}
}
