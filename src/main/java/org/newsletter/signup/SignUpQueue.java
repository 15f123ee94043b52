package org.newsletter.signup;

import java.util.Optional;

import jakarta.mail.MessagingException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.DeliveryException;
import org.newsletter.delivery.DeliveryStatus;
import org.newsletter.delivery.MessageSender;
import org.newsletter.delivery.MessageSenders;
import org.newsletter.delivery.OutboxSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Where the sign-up form hands its posts: a bounded queue and one thread that stores each
 * sign-up and sends its mail. The request thread only checks the form and queues it, the same
 * work whether the address is new, pending, active or unsubscribed, so neither the answer nor
 * how long it takes tells which (and it never waits for SMTP). The mail goes the way an issue
 * goes: SMTP through {@code spring.mail.*} when a host is set (one connection, kept open while
 * sign-ups keep coming), else {@code <outbox>/sign-up/} as {@code .eml} files. The thread is
 * started by the first sign-up and ends after a minute without one; at shutdown the queued
 * sign-ups are handled for up to 10 s. A sign-up still queued when the process dies is lost: the
 * person was told to sign up again if no mail comes.
 */
@Component
public class SignUpQueue implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(SignUpQueue.class);

	private final SignUps signUps;

	private final ConfirmationMail mail;

	private final MessageSenders senders;

	private final NewsletterProperties properties;

	private final ThreadPoolTaskExecutor worker = new ThreadPoolTaskExecutor();

	/** Touched by the worker thread only. */
	private MessageSender sender;

	SignUpQueue(SignUps signUps, ConfirmationMail mail, MessageSenders senders, NewsletterProperties properties,
			SignUpProperties settings) {
		this.signUps = signUps;
		this.mail = mail;
		this.senders = senders;
		this.properties = properties;
		worker.setCorePoolSize(1);
		worker.setMaxPoolSize(1);
		worker.setQueueCapacity(settings.queue());
		worker.setAllowCoreThreadTimeOut(true);
		worker.setKeepAliveSeconds(60);
		worker.setThreadNamePrefix("sign-up-");
		worker.setWaitForTasksToCompleteOnShutdown(true);
		worker.setAwaitTerminationSeconds(10);
		worker.initialize();
	}

	/** Queues a sign-up; false when the queue is full. */
	public boolean offer(SignUp signUp) {
		try {
			worker.execute(() -> handle(signUp));
			return true;
		}
		catch (TaskRejectedException ex) {
			log.warn("a sign-up was refused: {} are waiting already (newsletter.sign-up.queue)", worker.getQueueSize());
			return false;
		}
	}

	private void handle(SignUp signUp) {
		try {
			Optional<SignUps.Letter> letter = signUps.register(signUp);
			if (letter.isPresent()) {
				send(letter.get());
			}
		}
		catch (RuntimeException ex) {
			log.error("a sign-up could not be handled", ex);
		}
		finally {
			if (worker.getQueueSize() == 0) {
				closeSender();
			}
		}
	}

	private void send(SignUps.Letter letter) {
		long id = letter.subscriber().id();
		try {
			MessageSender.Outcome outcome = sender().send(mail.build(letter));
			if (outcome.status() == DeliveryStatus.SENT) {
				log.info("sign-up mail to subscriber {}: {}", id, outcome.reply());
				return;
			}
			log.warn("sign-up mail to subscriber {} refused ({}): {}", id, outcome.status(), outcome.reply());
		}
		catch (DeliveryException | MessagingException ex) {
			log.warn("sign-up mail to subscriber {} failed: {}", id, ex.getMessage());
			closeSender();
		}
		signUps.mailFailed(letter);
	}

	private MessageSender sender() {
		if (sender == null) {
			// the issue id of open() only names an outbox folder: the sign-up mails have their own
			sender = senders.smtpConfigured() ? senders.open(false, 0)
					: new OutboxSender(properties.outbox().resolve("sign-up"));
		}
		return sender;
	}

	private void closeSender() {
		if (sender != null) {
			sender.close();
			sender = null;
		}
	}

	@Override
	public void destroy() {
		worker.shutdown();
	}
}
