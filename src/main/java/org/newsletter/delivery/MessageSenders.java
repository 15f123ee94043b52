package org.newsletter.delivery;

import java.nio.file.Path;

import org.newsletter.config.NewsletterProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * Opens the sender of a run: SMTP through Spring's mail settings when {@code spring.mail.host}
 * is set, otherwise (and for dry runs and the demo) the outbox folder.
 */
@Component
public class MessageSenders {

	private final ObjectProvider<JavaMailSender> mailSender;

	private final NewsletterProperties properties;

	public MessageSenders(ObjectProvider<JavaMailSender> mailSender, NewsletterProperties properties) {
		this.mailSender = mailSender;
		this.properties = properties;
	}

	/** True when an SMTP server is configured. */
	public boolean smtpConfigured() {
		return mailSender.getIfAvailable() instanceof JavaMailSenderImpl impl && impl.getHost() != null
				&& !impl.getHost().isBlank();
	}

	/** The outbox folder of an issue. */
	public Path outbox(long issueId) {
		return properties.outbox().resolve("issue-" + issueId);
	}

	/** A new sender for one sending thread; {@code outbox} forces the outbox folder. */
	public MessageSender open(boolean outbox, long issueId) {
		if (outbox || !smtpConfigured()) {
			return new OutboxSender(outbox(issueId));
		}
		return new SmtpSender((JavaMailSenderImpl) mailSender.getObject(), properties.send().retry(),
				properties.send().timeout());
	}
}
