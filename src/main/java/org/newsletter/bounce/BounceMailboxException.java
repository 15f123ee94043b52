package org.newsletter.bounce;

/**
 * The bounce mailbox could not be reached or read (connection, login, folder). Its message is
 * one line for the operator, naming the mailbox and the reason; never the password.
 */
public class BounceMailboxException extends RuntimeException {

	BounceMailboxException(String message, Throwable cause) {
		super(message, cause);
	}
}
