package org.newsletter.delivery;

import java.time.Clock;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.newsletter.issue.Issue;
import org.newsletter.subscriber.Subscriber;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The send step's writer: builds each subscriber's message, hands it to the sender and records
 * the delivery in its own transaction as soon as the outcome is known, so a crash re-sends at
 * most the message in flight.
 */
public class DeliveryWriter implements ItemWriter<Subscriber>, ItemStream {

	private final Issue issue;

	private final MessageFactory messages;

	private final MessageSender sender;

	private final DeliveryRepository deliveries;

	private final TransactionTemplate ownTransaction;

	private final Clock clock;

	private final double rateLimit;

	private long nextSendNanos;

	/**
	 * @param ownTransaction a template with {@code REQUIRES_NEW} propagation
	 * @param rateLimit messages per second from this writer; 0 for no limit
	 */
	public DeliveryWriter(Issue issue, MessageFactory messages, MessageSender sender, DeliveryRepository deliveries,
			TransactionTemplate ownTransaction, Clock clock, double rateLimit) {
		this.issue = issue;
		this.messages = messages;
		this.sender = sender;
		this.deliveries = deliveries;
		this.ownTransaction = ownTransaction;
		this.clock = clock;
		this.rateLimit = rateLimit;
	}

	@Override
	public void write(Chunk<? extends Subscriber> chunk) throws DeliveryException, MessagingException {
		for (Subscriber subscriber : chunk) {
			MimeMessage message = messages.build(issue, subscriber);
			pace();
			MessageSender.Outcome outcome = sender.send(message);
			ownTransaction.executeWithoutResult(status -> deliveries.record(issue.id(), subscriber.id(),
					outcome.accepted(), messages.messageId(issue.id(), subscriber.id()), outcome.reply(), clock.instant()));
		}
	}

	private void pace() throws DeliveryException {
		if (rateLimit <= 0) {
			return;
		}
		long now = System.nanoTime();
		if (nextSendNanos > now) {
			try {
				Thread.sleep((nextSendNanos - now) / 1_000_000, (int) ((nextSendNanos - now) % 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new DeliveryException("interrupted", ex);
			}
		}
		nextSendNanos = Math.max(now, nextSendNanos) + (long) (1_000_000_000L / rateLimit);
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
