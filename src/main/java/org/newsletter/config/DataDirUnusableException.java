package org.newsletter.config;

/** The data directory cannot be used as it is; the message says why and what to do. */
public class DataDirUnusableException extends RuntimeException {

	public DataDirUnusableException(String message) {
		super(message);
	}
}
