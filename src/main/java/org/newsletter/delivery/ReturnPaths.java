package org.newsletter.delivery;

/**
 * The SMTP envelope sender of each message (MAIL FROM, which the receiving server keeps as its
 * Return-Path): where reports of a failed delivery go. An interface here so that the bounce
 * feature, which makes and reads these addresses, depends on delivery and not the other way.
 */
public interface ReturnPaths {

	/** Jakarta Mail's own envelope sender for every message (the From address, or {@code mail.smtp.from}). */
	ReturnPaths DEFAULT = (issueId, subscriberId) -> null;

	/** The envelope sender of issue {@code issueId}'s message to subscriber {@code subscriberId}; null for the default. */
	String of(long issueId, long subscriberId);
}
