package org.newsletter.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records deliveries with group commit. Each sending thread hands over the delivery it just
 * made and waits until it is committed before sending its next message, so a crash loses the
 * record of at most one accepted message per connection (DESIGN.md §5); meanwhile one thread
 * writes whatever all connections handed over as one JDBC batch in one transaction, so the
 * database commits far fewer times than messages go out.
 */
@Component
public class DeliveryRecorder implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(DeliveryRecorder.class);

	private static final int MAX_BATCH = 1000;

	private final DeliveryRepository deliveries;

	private final TransactionTemplate ownTransaction;

	private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

	private Thread writer;

	private volatile boolean stopped;

	public DeliveryRecorder(DeliveryRepository deliveries, PlatformTransactionManager transactionManager) {
		this.deliveries = deliveries;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * One message's outcome for one subscriber; {@code replacesDeferred} when it is the retry of a
	 * deferred delivery, whose row it then replaces.
	 */
	public record Delivery(long issueId, long subscriberId, DeliveryStatus status, String messageId, String reply,
			Instant at, boolean replacesDeferred) {
	}

	private record Pending(Delivery delivery, CompletableFuture<Void> committed) {
	}

	/** Wakes the writer when it is stopped, rather than letting it wait out its poll. */
	private static final Pending STOP = new Pending(null, null);

	/**
	 * Records {@code delivery} and returns once it is committed.
	 * @throws DeliveryException when it could not be recorded
	 */
	public void record(Delivery delivery) throws DeliveryException {
		var pending = new Pending(delivery, new CompletableFuture<>());
		startWriter();
		queue.add(pending);
		try {
			pending.committed().get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DeliveryException("interrupted while recording a delivery", ex);
		}
		catch (ExecutionException ex) {
			throw new DeliveryException("the delivery to subscriber " + delivery.subscriberId()
					+ " could not be recorded: " + ex.getCause().getMessage(), ex.getCause());
		}
	}

	private synchronized void startWriter() {
		if (writer == null) {
			writer = new Thread(this::writeLoop, "delivery-recorder");
			writer.setDaemon(true);
			writer.start();
		}
	}

	private void writeLoop() {
		List<Pending> batch = new ArrayList<>();
		while (!stopped) {
			try {
				Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null || first == STOP) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, MAX_BATCH - 1);
				batch.remove(STOP);
				write(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				batch.clear();
			}
		}
	}

	private void write(List<Pending> batch) {
		try {
			List<Delivery> records = batch.stream().map(Pending::delivery).toList();
			ownTransaction.executeWithoutResult(status -> deliveries.recordAll(records));
			batch.forEach(pending -> pending.committed().complete(null));
		}
		catch (RuntimeException ex) {
			// Each waiting sender fails with it and stops (no further message on its connection); the
			// command reports it in one line, so the terminal gets no trace from here.
			log.info("recording {} deliveries failed: {}", batch.size(), ex.getMessage());
			batch.forEach(pending -> pending.committed().completeExceptionally(ex));
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		stopped = true;
		queue.add(STOP);
		Thread running;
		synchronized (this) {
			running = writer;
		}
		if (running != null) {
			running.join(5000);
		}
	}
}
