package org.newsletter.delivery;

import java.time.Duration;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.newsletter.config.NewsletterProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends over one SMTP connection kept open across messages (DESIGN.md §2: a new connection
 * costs about as much as a message). A 5xx reply for the recipient is that message's
 * outcome; 4xx replies and lost connections are retried with doubling back-off, then fail.
 */
public class SmtpSender implements MessageSender {

	private static final Logger log = LoggerFactory.getLogger(SmtpSender.class);

	private final JavaMailSenderImpl mail;

	private final NewsletterProperties.Retry retry;

	/** How long a connection may sit unused before it is checked (NOOP) rather than trusted. */
	private static final long IDLE_CHECK_NANOS = 30_000_000_000L;

	private final Session session;

	private Transport transport;

	private long lastUsed;

	public SmtpSender(JavaMailSenderImpl mail, NewsletterProperties.Retry retry) {
		this.mail = mail;
		this.retry = retry;
		Properties settings = new Properties();
		settings.putAll(mail.getSession().getProperties());
		String protocol = protocol();
		if (!settings.containsKey("mail." + protocol + ".socketFactory")
				&& !settings.containsKey("mail." + protocol + ".socketFactory.class")) {
			settings.put("mail." + protocol + ".socketFactory", new NoDelaySocketFactory());
		}
		this.session = Session.getInstance(settings);
	}

	@Override
	public Outcome send(MimeMessage message) throws DeliveryException {
		Duration wait = retry.backoff();
		for (int attempt = 1;; attempt++) {
			try {
				Transport connected = connected();
				connected.sendMessage(message, message.getAllRecipients());
				lastUsed = System.nanoTime();
				return new Outcome(true, lastReply(connected));
			}
			catch (MessagingException ex) {
				int code = replyCode(ex);
				if (code >= 500 && code < 600) {
					return new Outcome(false, reply(ex, code));
				}
				disconnect();
				if (attempt >= retry.maxAttempts()) {
					throw new DeliveryException("SMTP " + destination() + " failed after " + attempt + " attempt"
							+ (attempt == 1 ? "" : "s") + ": " + reply(ex, code), ex);
				}
				log.warn("SMTP attempt {} failed ({}); retrying in {}", attempt, reply(ex, code), wait);
				sleep(wait);
				wait = wait.multipliedBy(2);
			}
		}
	}

	/**
	 * The open connection, or a new one. A connection in steady use is trusted (asking the
	 * server with NOOP before each message would cost a round trip each); a lost one fails the
	 * send, which reconnects and retries.
	 */
	private Transport connected() throws MessagingException {
		if (transport != null && System.nanoTime() - lastUsed > IDLE_CHECK_NANOS && !transport.isConnected()) {
			disconnect();
		}
		if (transport == null) {
			transport = session.getTransport(protocol());
			transport.connect(mail.getHost(), mail.getPort(), mail.getUsername(), mail.getPassword());
			lastUsed = System.nanoTime();
		}
		return transport;
	}

	private String protocol() {
		return mail.getProtocol() == null ? "smtp" : mail.getProtocol();
	}

	/** The SMTP reply code behind a failure; 0 when there was no reply (connection trouble). */
	static int replyCode(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SMTPAddressFailedException failed) {
				return failed.getReturnCode();
			}
			if (t instanceof SMTPSendFailedException failed) {
				return failed.getReturnCode();
			}
			if (t instanceof SMTPSenderFailedException failed) {
				return failed.getReturnCode();
			}
			if (t instanceof SendFailedException failed && failed.getNextException() != null) {
				int nested = replyCode(failed.getNextException());
				if (nested != 0) {
					return nested;
				}
			}
		}
		return 0;
	}

	private static String reply(MessagingException ex, int code) {
		Throwable detail = ex;
		if (ex instanceof SendFailedException failed && failed.getNextException() != null) {
			detail = failed.getNextException();
		}
		String message = detail.getMessage() == null ? detail.getClass().getSimpleName() : detail.getMessage();
		message = message.replaceAll("\\s+", " ").strip();
		return code == 0 || message.startsWith(Integer.toString(code)) ? message : code + " " + message;
	}

	private static String lastReply(Transport transport) {
		if (transport instanceof SMTPTransport smtp && smtp.getLastServerResponse() != null) {
			return smtp.getLastServerResponse().strip();
		}
		return "accepted";
	}

	private static void sleep(Duration wait) throws DeliveryException {
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DeliveryException("interrupted while waiting to retry", ex);
		}
	}

	private void disconnect() {
		if (transport != null) {
			try {
				transport.close();
			}
			catch (MessagingException ex) {
				log.debug("closing the SMTP connection failed", ex);
			}
			transport = null;
		}
	}

	@Override
	public String destination() {
		return mail.getHost() + ":" + (mail.getPort() > 0 ? mail.getPort() : 25);
	}

	@Override
	public void close() {
		disconnect();
	}
}
