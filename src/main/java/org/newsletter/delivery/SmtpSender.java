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

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends over one SMTP connection kept open across messages (DESIGN.md §2: a new connection
 * costs about as much as a message). A 5xx reply for the recipient is that message's
 * outcome; 4xx replies and lost connections are retried with doubling back-off. Past the
 * retries, a 4xx for the recipient (at RCPT TO or at the end of DATA) defers that message and
 * the sending goes on; anything else (no connection, no reply within the timeout, 421, a
 * refused sender) fails, since no other message would fare better.
 */
public class SmtpSender implements MessageSender {

	private static final Logger log = LoggerFactory.getLogger(SmtpSender.class);

	private final JavaMailSenderImpl mail;

	private final RetryTemplate retries;

	/** How long a connection may sit unused before it is checked (NOOP) rather than trusted. */
	private static final long IDLE_CHECK_NANOS = 30_000_000_000L;

	/**
	 * Recipients deferred one after the other, with no message accepted in between, before the
	 * deferrals count as the server's trouble: each costs all its retries, so a server that
	 * defers everyone would otherwise hold the run for hours instead of failing it.
	 */
	static final int MAX_DEFERRED_IN_A_ROW = 10;

	private final Duration timeout;

	private int deferredInARow;

	private final Session session;

	/** The session's property naming the envelope sender: {@code mail.smtp.from} or {@code mail.smtps.from}. */
	private final String fromProperty;

	/** The envelope sender configured for every message ({@code spring.mail.properties.mail.smtp.from}), or null. */
	private final String defaultFrom;

	private Transport transport;

	private long lastUsed;

	public SmtpSender(JavaMailSenderImpl mail, NewsletterProperties.Retry retry, Duration timeout) {
		this.mail = mail;
		this.retries = retries(retry);
		this.timeout = timeout;
		Properties settings = new Properties();
		settings.putAll(mail.getSession().getProperties());
		String protocol = protocol();
		// Jakarta Mail waits for ever by default: a server that accepts and never answers would
		// hold the run. A spring.mail.properties.mail.<protocol>.* value of the same name wins.
		String millis = Long.toString(Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
		for (String key : new String[] { "connectiontimeout", "timeout", "writetimeout" }) {
			settings.putIfAbsent("mail." + protocol + "." + key, millis);
		}
		if (!settings.containsKey("mail." + protocol + ".socketFactory")
				&& !settings.containsKey("mail." + protocol + ".socketFactory.class")) {
			settings.put("mail." + protocol + ".socketFactory", new NoDelaySocketFactory());
		}
		this.session = Session.getInstance(settings);
		this.fromProperty = "mail." + protocol + ".from";
		this.defaultFrom = settings.getProperty(fromProperty);
	}

	@Override
	public Outcome send(MimeMessage message) throws DeliveryException {
		try {
			return retries.execute(() -> attempt(message));
		}
		catch (RetryException ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw new DeliveryException("interrupted while waiting to retry", ex);
			}
			if (ex.getLastException() instanceof RuntimeException unexpected) {
				throw unexpected; // not retried: a fault of this program, as it was before the retries
			}
			if (!(ex.getLastException() instanceof MessagingException last)) {
				throw new DeliveryException("SMTP " + destination() + " failed: " + ex.getLastException(), ex.getLastException());
			}
			int attempts = ex.getRetryCount() + 1;
			String failure = "SMTP " + destination() + " failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
					+ ": " + reply(last, replyCode(last));
			if (!refusesOnlyTheRecipient(last, replyCode(last))) {
				throw new DeliveryException(failure, last);
			}
			if (++deferredInARow >= MAX_DEFERRED_IN_A_ROW) {
				throw new DeliveryException(failure + " (" + deferredInARow
						+ " recipients deferred in a row: the server's trouble, not theirs)", last);
			}
			log.warn("{}; deferred, the others go on", failure);
			return new Outcome(DeliveryStatus.DEFERRED, reply(last, replyCode(last)));
		}
	}

	/**
	 * One try: the message's outcome when the server answered for good (accepted, or a 5xx
	 * for the recipient); a 4xx or lost connection is thrown, for the retries, after the
	 * connection is dropped so that the next try opens a fresh one.
	 */
	private Outcome attempt(MimeMessage message) throws MessagingException {
		try {
			Transport connected = connected();
			envelope(message);
			connected.sendMessage(message, message.getAllRecipients());
			lastUsed = System.nanoTime();
			deferredInARow = 0;
			return new Outcome(DeliveryStatus.SENT, lastReply(connected));
		}
		catch (MessagingException ex) {
			int code = replyCode(ex);
			if (code >= 500 && code < 600) {
				return new Outcome(DeliveryStatus.FAILED, reply(ex, code));
			}
			disconnect();
			throw ex;
		}
	}

	/**
	 * Makes the message's own envelope sender (its VERP return path, {@link ReturnPaths}) the one
	 * of MAIL FROM. Angus Mail reads it at each message from an {@code SMTPMessage}, or else from the
	 * session's {@code mail.smtp.from}; a DKIM-signed message is not an {@code SMTPMessage}, so the
	 * property of this sender's own session (one per connection, used by one thread) is set before
	 * each message instead: one entry put in a table, nothing the send rate notices.
	 */
	private void envelope(MimeMessage message) {
		String from = message instanceof Enveloped enveloped && enveloped.envelopeFrom() != null
				? enveloped.envelopeFrom() : defaultFrom;
		if (from == null) {
			session.getProperties().remove(fromProperty);
		}
		else {
			session.getProperties().setProperty(fromProperty, from);
		}
	}

	/** Temporary failures (4xx, lost connections) retried with doubling back-off; the attempts logged. */
	private RetryTemplate retries(NewsletterProperties.Retry retry) {
		var template = new RetryTemplate(RetryPolicy.builder()
			.includes(MessagingException.class)
			.maxRetries(retry.maxAttempts() - 1)
			.delay(retry.backoff())
			.multiplier(2)
			.build());
		template.setRetryListener(new RetryListener() {

			@Override
			public void onRetryableExecution(RetryPolicy policy, Retryable<?> retryable, RetryState state) {
				int attempt = state.getRetryCount() + 1;
				boolean failed = state.getExceptions().size() == attempt; // each failed attempt adds its exception
				if (failed && state.getLastException() instanceof MessagingException last && attempt < retry.maxAttempts()) {
					log.warn("SMTP attempt {} failed ({}); retrying", attempt, reply(last, replyCode(last)));
				}
			}
		});
		return template;
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

	/**
	 * True for a temporary refusal of this message's recipient: a 4xx at RCPT TO or at the end
	 * of DATA. Not for 421 (the server closing the connection), a refused sender (MAIL FROM) or a
	 * failure with no reply: those stop every message, and the run fails (DESIGN.md §5).
	 */
	static boolean refusesOnlyTheRecipient(Throwable ex, int code) {
		if (code < 400 || code >= 500 || code == 421) {
			return false;
		}
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SMTPSenderFailedException) {
				return false;
			}
		}
		return true;
	}

	private String reply(MessagingException ex, int code) {
		Throwable detail = ex;
		if (ex instanceof SendFailedException failed && failed.getNextException() != null) {
			detail = failed.getNextException();
		}
		String message = detail.getMessage() == null ? detail.getClass().getSimpleName() : detail.getMessage();
		message = message.replaceAll("\\s+", " ").strip();
		if (code == 0 && timedOut(ex)) {
			message = "no answer within " + timeout.toMillis() + " ms (newsletter.send.timeout): " + message;
		}
		return code == 0 || message.startsWith(Integer.toString(code)) ? message : code + " " + message;
	}

	private static boolean timedOut(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof java.net.SocketTimeoutException) {
				return true;
			}
		}
		return false;
	}

	private static String lastReply(Transport transport) {
		if (transport instanceof SMTPTransport smtp && smtp.getLastServerResponse() != null) {
			return smtp.getLastServerResponse().strip();
		}
		return "accepted";
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
