package org.newsletter.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.DeliveryException;
import org.newsletter.delivery.DeliveryStatus;
import org.newsletter.delivery.MessageFactory;
import org.newsletter.delivery.MessageSender;
import org.newsletter.delivery.MessageSenders;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssuePreview;
import org.newsletter.job.RunHeartbeat;
import org.newsletter.subscriber.EmailAddresses;
import org.newsletter.subscriber.InvalidAddressException;
import org.newsletter.subscriber.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The operator page's "send a preview": the next issue as {@code preview} renders it (the feeds
 * fetched and the issue composed for now, all rolled back), sent to one address the way the
 * issue goes out (SMTP, or the outbox folder without {@code spring.mail.host}). Nothing is
 * recorded: no delivery, no issue. The subject starts with {@value #MARK}, and the Message-ID is
 * new each time (a mailbox drops a message whose Message-ID it has seen). It is personalised for
 * a reader with no name and no subscription, so its unsubscribe link unsubscribes nobody.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(AdminEnabled.class)
class PreviewMail {

	private static final Logger log = LoggerFactory.getLogger(PreviewMail.class);

	static final String MARK = "[Preview] ";

	private final IssuePreview preview;

	private final MessageFactory messages;

	private final MessageSenders senders;

	private final RunHeartbeat heartbeat;

	private final String domain;

	private final Clock clock;

	PreviewMail(IssuePreview preview, MessageFactory messages, MessageSenders senders, RunHeartbeat heartbeat,
			NewsletterProperties properties, Clock clock) throws MessagingException {
		this.preview = preview;
		this.messages = messages;
		this.senders = senders;
		this.heartbeat = heartbeat;
		String from = new InternetAddress(properties.from(), true).getAddress();
		this.domain = from.substring(from.lastIndexOf('@') + 1);
		this.clock = clock;
	}

	/** How it went, in one line for the operator. */
	record Outcome(boolean sent, String line) {
	}

	/**
	 * Sends the preview of the issue a run would send now to {@code address}; with
	 * {@code sendEmpty}, even when fewer entries than {@code newsletter.min-entries} are new.
	 */
	Outcome send(String address, boolean sendEmpty) {
		String to;
		try {
			to = EmailAddresses.normalise(address);
		}
		catch (InvalidAddressException ex) {
			return new Outcome(false, "No preview sent: '" + address + "' is not an email address (" + ex.getMessage() + ").");
		}
		Optional<JobExecution> live = heartbeat.liveRun();
		if (live.isPresent()) {
			// a preview's fetch would write the same feed rows as the run's, in a transaction of its own
			return new Outcome(false, "No preview sent: a run is going on (execution " + live.get().getId()
					+ "); send it once the run has finished.");
		}
		Instant cutoff = clock.instant().truncatedTo(ChronoUnit.SECONDS);
		var draft = preview.preview(cutoff, true, sendEmpty).draft();
		if (draft.issue().isEmpty()) {
			return new Outcome(false, "No preview sent: " + draft.eligible() + " new entries, fewer than newsletter.min-entries "
					+ "(tick \"even with too few new entries\" to send it anyway).");
		}
		Issue issue = draft.issue().get();
		try (MessageSender sender = senders.open(false, 0)) {
			MimeMessage message = message(issue, to);
			MessageSender.Outcome outcome = sender.send(message);
			if (outcome.status() != DeliveryStatus.SENT) {
				return new Outcome(false, "No preview sent: " + sender.destination() + " refused " + to + ": " + outcome.reply());
			}
			log.info("a preview of the issue for cutoff {} was sent to {} from the operator page", cutoff, to);
			return new Outcome(true, "Preview of the next issue (" + issue.entryCount() + " entries from " + issue.sourceCount()
					+ " sources) sent to " + to + (senders.smtpConfigured() ? "" : ": " + outcome.reply()) + ".");
		}
		catch (DeliveryException | MessagingException ex) {
			log.warn("a preview to {} could not be sent: {}", to, ex.getMessage());
			return new Outcome(false, "No preview sent: " + ex.getMessage());
		}
	}

	/** The issue's message for a reader at {@code to}, marked as a preview, with a Message-ID of its own. */
	private MimeMessage message(Issue issue, String to) throws MessagingException {
		MimeMessage message = messages.build(issue, new Subscriber(0, to, null, Subscriber.ACTIVE));
		message.setSubject(MARK + message.getSubject(), "UTF-8");
		message.setHeader("Message-ID", "<preview-" + UUID.randomUUID() + "@" + domain + ">");
		return message;
	}
}
