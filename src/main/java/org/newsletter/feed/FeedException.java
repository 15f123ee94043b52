package org.newsletter.feed;

/**
 * A feed could not be fetched or parsed. The message is the reason the operator sees, one
 * line, naming what went wrong but not the feed (the caller names it).
 */
public class FeedException extends Exception {

	public FeedException(String reason) {
		super(reason);
	}

	public FeedException(String reason, Throwable cause) {
		super(reason, cause);
	}
}
