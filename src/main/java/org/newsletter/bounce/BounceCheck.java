package org.newsletter.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.newsletter.delivery.MessageFactory;
import org.newsletter.subscriber.SubscriberRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the bounce mailbox once: each new message is parsed ({@link BounceParser}); a bounce is
 * pinned on its delivery and recorded ({@link BounceRecorder}), then set aside in the mailbox
 * ({@link BounceMailbox}); anything else is left where it is and counted. The weekly run does this
 * first, and {@code serve} every {@code newsletter.bounce.poll}.
 * <p>
 * Which delivery a bounce is about: the VERP return path it was sent back to
 * ({@link VerpAddresses}), found anywhere in the report (its {@code To} and {@code Delivered-To},
 * the quoted original's {@code Return-Path}) with a MAC that holds. When a relay rewrote the return
 * path, the original message's {@code Message-ID} ({@link MessageFactory#messageId}, which names
 * the issue and the subscriber) quoted in the report, but only when the report also names that
 * subscriber's address as the failed recipient (or anywhere, when it names none): Message-IDs are
 * no secret. A bounce that matches no delivery of ours is left unread and counted.
 * <p>
 * Each bounce is committed before it is set aside in the mailbox, so a crash in between reads it
 * again next time, as a duplicate; it is never lost. One check at a time in a process (the
 * service's poll and a run's first step could otherwise meet); two processes meeting are kept
 * apart by the table's key.
 */
@Component
public class BounceCheck {

	private static final Logger log = LoggerFactory.getLogger(BounceCheck.class);

	/** A message larger than this is no bounce of ours (a report quotes one issue, about 100 KB). */
	private static final int MAX_BYTES = 10 * 1024 * 1024;

	private static final Pattern OUR_MESSAGE_ID = Pattern.compile("<issue-(\\d{1,18})\\.subscriber-(\\d{1,18})@[^>\\s]{1,255}>",
			Pattern.CASE_INSENSITIVE);

	private final BounceProperties properties;

	private final BounceParser parser = new BounceParser();

	private final VerpAddresses verp;

	private final MessageFactory messages;

	private final SubscriberRepository subscribers;

	private final BounceRecorder recorder;

	private final TransactionTemplate ownTransaction;

	private final Clock clock;

	private final Session parsing = Session.getInstance(new Properties());

	private final ReentrantLock oneAtATime = new ReentrantLock();

	BounceCheck(BounceProperties properties, VerpAddresses verp, MessageFactory messages, SubscriberRepository subscribers,
			BounceRecorder recorder, PlatformTransactionManager transactionManager, Clock clock) {
		this.properties = properties;
		this.verp = verp;
		this.messages = messages;
		this.subscribers = subscribers;
		this.recorder = recorder;
		this.clock = clock;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/** Whether a bounce mailbox is configured. */
	public boolean configured() {
		return properties.mailboxConfigured();
	}

	/**
	 * Reads the mailbox's new messages.
	 * @throws BounceMailboxException when the mailbox cannot be reached or read; what was
	 *     recorded before stays recorded
	 */
	public BounceSummary check() {
		if (!configured()) {
			return BounceSummary.skipped("no bounce mailbox is configured (newsletter.bounce.host); not read");
		}
		if (!oneAtATime.tryLock()) {
			return BounceSummary.skipped("the mailbox is being read by another check of this process just now");
		}
		try (BounceMailbox mailbox = BounceMailbox.open(properties)) {
			var summary = new BounceSummary.Counter(properties.mailbox(), properties.pop3());
			for (Message message : mailbox.unread()) {
				read(message, mailbox, summary);
			}
			return summary.done();
		}
		catch (MessagingException | IOException ex) {
			throw new BounceMailboxException("cannot read the bounce mailbox " + properties.mailbox() + ": " + reason(ex), ex);
		}
		finally {
			oneAtATime.unlock();
		}
	}

	private void read(Message message, BounceMailbox mailbox, BounceSummary.Counter summary)
			throws MessagingException, IOException {
		summary.read();
		if (message.getSize() > MAX_BYTES) {
			summary.notBounce(Reading.Why.OTHER);
			return;
		}
		byte[] raw = BounceMailbox.raw(message);
		MimeMessage copy = new MimeMessage(parsing, new ByteArrayInputStream(raw));
		Reading reading = parser.read(copy);
		if (reading instanceof Reading.NotBounce notBounce) {
			log.info("bounce mailbox: {}", notBounce.detail());
			if (notBounce.why() == Reading.Why.DELAY_WARNING) {
				mailbox.done(message); // nothing to record: the report of the failure follows if it fails
			}
			summary.notBounce(notBounce.why());
			return;
		}
		var bounce = (Reading.Bounce) reading;
		Optional<DeliveryRef> delivery = delivery(new String(raw, StandardCharsets.ISO_8859_1), bounce);
		String reportId = copy.getMessageID();
		BounceRecorder.Outcome outcome = delivery.isEmpty() ? BounceRecorder.Outcome.NO_DELIVERY
				: ownTransaction.execute(status -> recorder.record(delivery.get(), bounce, reportId, clock.instant()));
		if (outcome != BounceRecorder.Outcome.NO_DELIVERY) {
			mailbox.done(message);
		}
		report(delivery, bounce, outcome);
		summary.bounce(bounce.kind(), outcome);
	}

	/** The delivery a bounce is about: by its VERP return path, else by the quoted Message-ID and address. */
	private Optional<DeliveryRef> delivery(String text, Reading.Bounce bounce) {
		Optional<DeliveryRef> byReturnPath = verp.find(text);
		if (byReturnPath.isPresent()) {
			return byReturnPath;
		}
		Matcher id = OUR_MESSAGE_ID.matcher(text);
		while (id.find()) {
			long issueId;
			long subscriberId;
			try {
				issueId = Long.parseLong(id.group(1));
				subscriberId = Long.parseLong(id.group(2));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			if (!messages.messageId(issueId, subscriberId).equalsIgnoreCase(id.group())) {
				continue; // another installation's domain
			}
			Optional<String> address = subscribers.find(subscriberId).map(s -> s.email().toLowerCase(Locale.ROOT));
			if (address.isPresent() && (bounce.recipients().isEmpty() ? text.toLowerCase(Locale.ROOT).contains(address.get())
					: bounce.recipients().contains(address.get()))) {
				return Optional.of(new DeliveryRef(issueId, subscriberId));
			}
		}
		return Optional.empty();
	}

	private static void report(Optional<DeliveryRef> delivery, Reading.Bounce bounce, BounceRecorder.Outcome outcome) {
		String what = bounce.kind().column() + " bounce " + bounce.status() + " (" + bounce.diagnostic() + ")";
		if (delivery.isEmpty()) {
			log.info("bounce mailbox: a {} names no delivery of ours (no return path or Message-ID of ours with the "
					+ "failed address); left unread", what);
			return;
		}
		DeliveryRef ref = delivery.get();
		switch (outcome) {
			case RECORDED -> log.info("bounce mailbox: {} of issue {} to subscriber {} recorded", what, ref.issueId(),
					ref.subscriberId());
			case SUBSCRIBER_BOUNCED -> log.info("bounce mailbox: {} of issue {} to subscriber {} recorded; the subscriber "
					+ "is marked bounced", what, ref.issueId(), ref.subscriberId());
			case DUPLICATE -> log.info("bounce mailbox: {} of issue {} to subscriber {} was recorded before", what,
					ref.issueId(), ref.subscriberId());
			case NO_DELIVERY -> log.info("bounce mailbox: a {} names issue {} and subscriber {}, but there is no such "
					+ "delivery; left unread", what, ref.issueId(), ref.subscriberId());
		}
	}

	private static String reason(Exception ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
		if (cause != ex && cause.getMessage() != null && !message.contains(cause.getMessage())) {
			message += " (" + cause.getMessage() + ")";
		}
		return message.replaceAll("\\s+", " ").strip();
	}
}
