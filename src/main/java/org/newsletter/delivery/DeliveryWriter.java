package org.newsletter.delivery;

import java.time.Clock;
import java.util.Set;
import java.util.function.LongPredicate;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.newsletter.issue.Issue;
import org.newsletter.subscriber.Subscriber;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * The writer of one send partition: builds each subscriber's message, hands it to this
 * partition's sender (one SMTP connection) and has the delivery recorded before the next
 * message, so a crash re-sends at most the message in flight on each connection.
 * <p>
 * A deferred delivery (a temporary refusal of one recipient that outlasted the retries) does not
 * stop the partition; the partition goes on to its end and then fails, so the run is FAILED
 * with the others sent, the issue is not marked sent (the eligibility watermark stays, DESIGN.md
 * §5) and {@code restart} retries the deferred ones.
 */
public class DeliveryWriter implements ItemWriter<Subscriber>, ItemStream, StepExecutionListener {

	private final Issue issue;

	private final MessageFactory messages;

	private final MessageSender sender;

	private final DeliveryRecorder recorder;

	private final DeliveryRepository deliveries;

	private final SendRate rate;

	private final Clock clock;

	private final StepExecution step;

	private final LongPredicate stillActive;

	private final SendStop stop;

	private int deferred;

	private String lastDeferral;

	/**
	 * @param step this partition's step execution, marked to end STOPPED when the process stops
	 * @param stillActive whether a subscriber is still active, asked just before their message
	 * @param stop the process's stop request, heard between two messages
	 */
	public DeliveryWriter(Issue issue, MessageFactory messages, MessageSender sender, DeliveryRecorder recorder,
			DeliveryRepository deliveries, SendRate rate, Clock clock, StepExecution step, LongPredicate stillActive,
			SendStop stop) {
		this.step = step;
		this.stillActive = stillActive;
		this.stop = stop;
		this.issue = issue;
		this.messages = messages;
		this.sender = sender;
		this.recorder = recorder;
		this.deliveries = deliveries;
		this.rate = rate;
		this.clock = clock;
	}

	@Override
	public void write(Chunk<? extends Subscriber> chunk) throws DeliveryException, MessagingException {
		if (chunk.isEmpty()) {
			return;
		}
		// One short query per chunk tells the retries of deferred deliveries, whose rows are replaced.
		long first = chunk.getItems().stream().mapToLong(Subscriber::id).min().getAsLong();
		long last = chunk.getItems().stream().mapToLong(Subscriber::id).max().getAsLong();
		Set<Long> retried = deliveries.deferredAmong(issue.id(), first, last);
		for (Subscriber subscriber : chunk) {
			if (stop.requested()) {
				// The rest of the chunk is read again by the restart (its query skips whoever has had the issue).
				step.setTerminateOnly();
				return;
			}
			if (!stillActive.test(subscriber.id())) {
				continue; // unsubscribed (the one-click link of an earlier issue) since the page was read
			}
			MimeMessage message = messages.build(issue, subscriber);
			rate.acquire();
			MessageSender.Outcome outcome = sender.send(message);
			recorder.record(new DeliveryRecorder.Delivery(issue.id(), subscriber.id(), outcome.status(),
					messages.messageId(issue.id(), subscriber.id()), outcome.reply(), clock.instant(),
					retried.contains(subscriber.id())));
			if (outcome.status() == DeliveryStatus.DEFERRED) {
				deferred++;
				lastDeferral = subscriber.email() + ": " + outcome.reply();
			}
		}
	}

	/**
	 * Fails a partition that deferred deliveries once it has been through all its subscribers.
	 * Batch may call this twice (the writer is a listener both as itself and through its
	 * proxy), so it reports the deferrals once.
	 */
	@Override
	public ExitStatus afterStep(StepExecution step) {
		int count = deferred;
		deferred = 0;
		if (count == 0 || step.getStatus() != BatchStatus.COMPLETED) {
			return null;
		}
		String message = count + (count == 1 ? " delivery was" : " deliveries were") + " deferred by the SMTP server "
				+ sender.destination() + " (a temporary refusal that outlasted the retries; last: " + lastDeferral
				+ "); the others went out, and restart retries " + (count == 1 ? "it" : "them");
		step.setStatus(BatchStatus.FAILED);
		step.addFailureException(new DeliveryException(message, null));
		return ExitStatus.FAILED.addExitDescription(message);
	}

	@Override
	public void close() {
		sender.close();
	}

	@Override
	public void open(ExecutionContext executionContext) {
		// the sender connects lazily on the first message
	}
}
