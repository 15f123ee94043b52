package org.newsletter.delivery;

/**
 * A message that carries its own SMTP envelope sender ({@link ReturnPaths}), whichever class
 * it is: the plain message of {@link MessageFactory} or its DKIM-signed copy.
 */
interface Enveloped {

	/** The envelope sender for MAIL FROM; null for the session's default. */
	String envelopeFrom();
}
