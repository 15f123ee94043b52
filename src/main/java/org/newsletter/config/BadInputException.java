package org.newsletter.config;

/**
 * Input the operator gave is wrong: a missing or malformed file, a bad option value. The
 * message names the file, line or value; the command line exits with code 2.
 */
public class BadInputException extends RuntimeException {

	public BadInputException(String message) {
		super(message);
	}
}
