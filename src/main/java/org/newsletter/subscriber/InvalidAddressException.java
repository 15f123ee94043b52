package org.newsletter.subscriber;

/** An address that cannot be a subscriber's; the message says why. */
public class InvalidAddressException extends Exception {

	public InvalidAddressException(String reason) {
		super(reason);
	}
}
