package org.newsletter.delivery;

import jakarta.mail.internet.MimeMessage;

/**
 * Hands messages to their way out, SMTP or the outbox folder. One instance serves one
 * sending thread and keeps its connection open between messages.
 */
public interface MessageSender extends AutoCloseable {

	/**
	 * Sends one message.
	 * @return the outcome for this recipient; a refusal of this recipient, permanent or past the
	 *     retries, is an outcome, not an error
	 * @throws DeliveryException when the server could not take messages even after retries
	 */
	Outcome send(MimeMessage message) throws DeliveryException;

	/** Where messages go, for the operator: "SMTP smtp.example.org:587" or the outbox folder. */
	String destination();

	@Override
	void close();

	/**
	 * What became of one message.
	 *
	 * @param status sent when the server (or the outbox) took it, failed when refused for good,
	 *     deferred when refused for now past the retries
	 * @param reply the server's reply, or where the file was written
	 */
	record Outcome(DeliveryStatus status, String reply) {
	}
}
