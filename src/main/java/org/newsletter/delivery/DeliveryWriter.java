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

/**
 * The writer of one send partition: builds each subscriber's message, hands it to this
 * partition's sender (one SMTP connection) and has the delivery recorded before the next
 * message, so a crash re-sends at most the message in flight on each connection.
 */
public class DeliveryWriter implements ItemWriter<Subscriber>, ItemStream {

	private final Issue issue;

	private final MessageFactory messages;

	private final MessageSender sender;

	private final DeliveryRecorder recorder;

	private final SendRate rate;

	private final Clock clock;

	public DeliveryWriter(Issue issue, MessageFactory messages, MessageSender sender, DeliveryRecorder recorder,
			SendRate rate, Clock clock) {
		this.issue = issue;
		this.messages = messages;
		this.sender = sender;
		this.recorder = recorder;
		this.rate = rate;
		this.clock = clock;
	}

	@Override
	public void write(Chunk<? extends Subscriber> chunk) throws DeliveryException, MessagingException {
		for (Subscriber subscriber : chunk) {
			MimeMessage message = messages.build(issue, subscriber);
			rate.acquire();
			MessageSender.Outcome outcome = sender.send(message);
			recorder.record(new DeliveryRecorder.Delivery(issue.id(), subscriber.id(), outcome.accepted(),
					messages.messageId(issue.id(), subscriber.id()), outcome.reply(), clock.instant()));
		}
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
