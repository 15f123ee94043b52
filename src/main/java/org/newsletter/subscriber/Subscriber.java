package org.newsletter.subscriber;

/**
 * Someone on the list.
 *
 * @param id the subscriber's id
 * @param email the address as given, trimmed, its domain lower-cased
 * @param name display name, may be null
 * @param status {@code active} or {@code unsubscribed}
 * @param attributes the extra CSV columns as stored (a JSON object), may be null
 */
public record Subscriber(long id, String email, String name, String status, String attributes) {

	public Subscriber(long id, String email, String name, String status) {
		this(id, email, name, status, null);
	}

	/** The extra CSV columns by header, for the templates. */
	public java.util.Map<String, String> attributeMap() {
		return Attributes.decode(attributes);
	}

	public static final String ACTIVE = "active";

	public static final String UNSUBSCRIBED = "unsubscribed";
}
