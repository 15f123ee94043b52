package org.newsletter.job;

import java.io.PrintWriter;
import java.io.Writer;

import org.newsletter.delivery.DeliveryRepository;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.stereotype.Component;

/**
 * Tells the operator how a run goes: a line as each step ends and, during a long send, a
 * progress line at most every five seconds, counting the messages of every send partition.
 * Writes where the command line points it.
 * <p>
 * The messages counted are those whose delivery is recorded, as in the run's summary: a chunk
 * that fails part-way (the SMTP server went away) counts for nothing in Spring Batch's write
 * count, although the messages before the failure went out and were recorded one by one.
 */
@Component
public class RunReport implements StepExecutionListener, ItemWriteListener<Object> {

	static final String ELIGIBLE = "eligible";

	static final String SOURCES = "sources";

	static final String EMAIL_BUDGET = "emailBudget";

	static final String PENDING = "pending";

	static final String DESTINATION = "destination";

	/** Step context key of a failed step's cause, one line (the stored exit description is a stack trace). */
	public static final String FAILURE = "failure";

	private static final long PROGRESS_NANOS = 5_000_000_000L;

	private volatile PrintWriter out = new PrintWriter(Writer.nullWriter());

	private volatile StepExecution sending;

	private long lastProgress;

	private final RunIssue runIssue;

	private final DeliveryRepository deliveries;

	RunReport(RunIssue runIssue, DeliveryRepository deliveries) {
		this.runIssue = runIssue;
		this.deliveries = deliveries;
	}

	/** Sends the report to {@code writer} (the command's standard output). */
	public void printTo(PrintWriter writer) {
		this.out = writer;
	}

	@Override
	public void beforeStep(StepExecution step) {
		if (step.getStepName().equals(WeeklyDigestJobConfig.SEND_STEP)) {
			sending = step;
			synchronized (this) {
				lastProgress = System.nanoTime();
			}
		}
	}

	@Override
	public void afterWrite(Chunk<?> items) {
		progress();
	}

	/** A progress line of the send, at most every five seconds; also asked while remote workers send. */
	void progress() {
		StepExecution step = sending;
		if (step == null) {
			return;
		}
		synchronized (this) {
			long now = System.nanoTime();
			if (now - lastProgress < PROGRESS_NANOS) {
				return;
			}
			lastProgress = now;
		}
		line("send: " + done(step) + "/" + total(step) + " messages");
	}

	@Override
	public ExitStatus afterStep(StepExecution step) {
		var context = step.getExecutionContext();
		if (!step.getFailureExceptions().isEmpty()) {
			context.putString(FAILURE, org.newsletter.config.Failures.oneLine(step.getFailureExceptions().get(0)));
		}
		switch (step.getStepName()) {
			case WeeklyDigestJobConfig.BOUNCE_STEP -> line(context.getString(BounceTasklet.SUMMARY, "bounces: not read"));
			case WeeklyDigestJobConfig.FETCH_STEP -> line("fetch: " + step.getWriteCount() + "/" + step.getReadCount()
					+ " feeds ok" + (step.getProcessSkipCount() > 0 ? ", " + step.getProcessSkipCount() + " failed" : ""));
			case WeeklyDigestJobConfig.COMPOSE_STEP -> line(!context.containsKey(ELIGIBLE) ? "compose: failed"
					: "compose: " + context.getInt(ELIGIBLE) + " entries eligible" + (context.containsKey(SOURCES)
							? " from " + context.getInt(SOURCES) + " sources" : ", nothing to send") + context.getString(EMAIL_BUDGET, ""));
			case WeeklyDigestJobConfig.SEND_STEP -> {
				line("send: " + done(step) + "/" + total(step) + " messages to " + context.getString(DESTINATION, "?"));
				sending = null;
			}
			default -> {
			}
		}
		return null;
	}

	/** Messages the send step {@code step} has to send; known once its partitions are planned. */
	private static long total(StepExecution step) {
		return step.getExecutionContext().getLong(PENDING, 0L);
	}

	/**
	 * Messages the send step {@code step} has sent (or had refused for good) so far: those it
	 * had to send that are no longer pending. A deferred one stays pending.
	 */
	private long done(StepExecution step) {
		if (!step.getExecutionContext().containsKey(PENDING)) {
			return 0;
		}
		long pending = deliveries.countPending(runIssue.issue().id());
		return Math.max(0, total(step) - pending);
	}

	/** A line for the operator about the run, e.g. that the send waits for a worker. */
	void say(String text) {
		line(text);
	}

	private void line(String text) {
		out.println(text);
		out.flush();
	}
}
