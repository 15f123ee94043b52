package org.newsletter.delivery;

/** Messages cannot be handed over (server unreachable, temporary failures past the retries). */
public class DeliveryException extends Exception {

	public DeliveryException(String message, Throwable cause) {
		super(message, cause);
	}
}
