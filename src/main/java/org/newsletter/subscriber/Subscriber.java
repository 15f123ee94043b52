package org.newsletter.subscriber;

/**
 * Someone on the list.
 *
 * @param id the subscriber's id
 * @param email the address as given, trimmed, its domain lower-cased
 * @param name display name, may be null
 * @param status {@code active} or {@code unsubscribed}
 */
public record Subscriber(long id, String email, String name, String status) {

	public static final String ACTIVE = "active";

	public static final String UNSUBSCRIBED = "unsubscribed";
}
