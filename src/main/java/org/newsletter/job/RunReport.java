package org.newsletter.job;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicLong;

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

	private final AtomicLong written = new AtomicLong();

	/** Sends the report to {@code writer} (the command's standard output). */
	public void printTo(PrintWriter writer) {
		this.out = writer;
	}

	@Override
	public void beforeStep(StepExecution step) {
		if (step.getStepName().equals(WeeklyDigestJobConfig.SEND_STEP)) {
			sending = step;
			written.set(0);
			synchronized (this) {
				lastProgress = System.nanoTime();
			}
		}
	}

	@Override
	public void afterWrite(Chunk<?> items) {
		if (sending == null) {
			return;
		}
		long sent = written.addAndGet(items.size());
		synchronized (this) {
			long now = System.nanoTime();
			if (now - lastProgress >= PROGRESS_NANOS) {
				lastProgress = now;
				line("send: " + sent + "/" + total() + " messages");
			}
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution step) {
		var context = step.getExecutionContext();
		if (!step.getFailureExceptions().isEmpty()) {
			context.putString(FAILURE, org.newsletter.Failures.oneLine(step.getFailureExceptions().get(0)));
		}
		switch (step.getStepName()) {
			case WeeklyDigestJobConfig.FETCH_STEP -> line("fetch: " + step.getWriteCount() + "/" + step.getReadCount()
					+ " feeds ok" + (step.getProcessSkipCount() > 0 ? ", " + step.getProcessSkipCount() + " failed" : ""));
			case WeeklyDigestJobConfig.COMPOSE_STEP -> line(!context.containsKey(ELIGIBLE) ? "compose: failed"
					: "compose: " + context.getInt(ELIGIBLE) + " entries eligible" + (context.containsKey(SOURCES)
							? " from " + context.getInt(SOURCES) + " sources" : ", nothing to send") + context.getString(EMAIL_BUDGET, ""));
			case WeeklyDigestJobConfig.SEND_STEP -> {
				line("send: " + step.getWriteCount() + "/" + total() + " messages to " + context.getString(DESTINATION, "?"));
				sending = null;
			}
			default -> {
			}
		}
		return null;
	}

	/** Messages this send step has to send; known once its reader has opened. */
	private long total() {
		StepExecution step = sending;
		return step == null ? 0 : step.getExecutionContext().getLong(PENDING, 0L);
	}

	private void line(String text) {
		out.println(text);
		out.flush();
	}
}
