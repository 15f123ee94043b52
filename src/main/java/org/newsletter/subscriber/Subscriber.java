package org.newsletter.subscriber;

/**
 * Someone on the list.
 *
 * @param id the subscriber's id
 * @param email the address as given, trimmed, its domain lower-cased
 * @param name display name, may be null
 * @param status one of {@link #STATUSES}
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

	/** Signed up on the web page and not yet confirmed: never mailed an issue, purged after the expiry. */
	public static final String PENDING = "pending";

	/** Their address bounced (a hard bounce, or repeated soft ones): kept, never mailed. */
	public static final String BOUNCED = "bounced";

	/** Every status, in the order the operator reads them; only {@link #ACTIVE} receives issues. */
	public static final java.util.List<String> STATUSES = java.util.List.of(ACTIVE, PENDING, UNSUBSCRIBED, BOUNCED);

	/** The statuses as the operator reads them in a message: "active, pending, unsubscribed or bounced". */
	public static String statusChoices() {
		return String.join(", ", STATUSES.subList(0, STATUSES.size() - 1)) + " or " + STATUSES.get(STATUSES.size() - 1);
	}
}
