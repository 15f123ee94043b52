package org.newsletter.delivery;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.StreamProvider;
import jakarta.mail.internet.MimeUtility;
import org.jsoup.nodes.Entities;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.issue.Issue;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Builds the MIME message of one issue for one subscriber (DESIGN.md §8): the bodies
 * rendered once per issue with the personal parts filled in, and the bulk-mail headers.
 */
@Component
public class MessageFactory {

	static {
		// Jakarta Mail 2.1 looks its StreamProvider up through the service loader on every
		// MimeUtility call, body part and writeTo (jakartaee/mail-api#861): a third of the CPU of
		// sending. Named here, the lookup is a Class.forName of an already loaded class.
		if (System.getProperty(StreamProvider.class.getName()) == null) {
			System.setProperty(StreamProvider.class.getName(), "org.eclipse.angus.mail.util.MailStreamProvider");
		}
	}

	private final Session session = Session.getInstance(new java.util.Properties());

	private final NewsletterProperties properties;

	private final UnsubscribeLinks unsubscribeLinks;

	private final DkimSigner dkim;

	private final ReturnPaths returnPaths;

	private final InternetAddress from;

	private final String domain;

	private volatile Encoded encoded;

	/** Messages with Jakarta Mail's own envelope sender ({@link ReturnPaths#DEFAULT}). */
	public MessageFactory(NewsletterProperties properties, UnsubscribeLinks unsubscribeLinks, DkimSigner dkim)
			throws AddressException {
		this(properties, unsubscribeLinks, dkim, ReturnPaths.DEFAULT);
	}

	@Autowired
	public MessageFactory(NewsletterProperties properties, UnsubscribeLinks unsubscribeLinks, DkimSigner dkim,
			ReturnPaths returnPaths) throws AddressException {
		this.properties = properties;
		this.unsubscribeLinks = unsubscribeLinks;
		this.dkim = dkim;
		this.returnPaths = returnPaths;
		this.from = new InternetAddress(properties.from(), true);
		String address = from.getAddress();
		this.domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
	}

	/** The Message-ID of an issue's message to a subscriber: the same on every attempt (DESIGN.md §5). */
	public String messageId(long issueId, long subscriberId) {
		return "<issue-" + issueId + ".subscriber-" + subscriberId + "@" + domain + ">";
	}

	/** The message of {@code issue} for {@code subscriber}, DKIM-signed when that is configured. */
	public MimeMessage build(Issue issue, Subscriber subscriber) throws MessagingException {
		String unsubscribeUrl = unsubscribeLinks.url(subscriber.id());
		var personal = new Issue.Personalisation(Map.of(Issue.Personal.GREETING, greeting(subscriber),
				Issue.Personal.UNSUBSCRIBE_URL, unsubscribeUrl, Issue.Personal.NAME,
				subscriber.name() == null ? "" : headerSafe(subscriber.name())), subscriber.attributeMap());
		Encoded bodies = encoded(issue);

		var message = new FixedIdMessage(session, messageId(issue.id(), subscriber.id()),
				returnPaths.of(issue.id(), subscriber.id()));
		message.setFrom(from);
		message.setRecipient(MimeMessage.RecipientType.TO, recipient(subscriber));
		if (!properties.replyTo().isBlank()) {
			message.setReplyTo(InternetAddress.parse(properties.replyTo(), true));
		}
		message.setSubject(headerSafe(bodies.subject().personalise(personal)), StandardCharsets.UTF_8.name());
		message.setSentDate(new Date());
		message.setHeader("List-Id", listIdHeader());
		message.setHeader("List-Unsubscribe", listUnsubscribe(unsubscribeUrl));
		message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
		message.setHeader("Precedence", "bulk");
		message.setHeader("Auto-Submitted", "auto-generated");
		message.setContent(new MimeMultipart("alternative", bodies.text().part(personal, UnaryOperator.identity()),
				bodies.html().part(personal, Entities::escape)));
		message.saveChanges();
		return dkim.sign(message);
	}

	/** The issue's subject and two bodies, cut and encoded once per issue and kept for its messages. */
	private record Encoded(long issueId, String personalToken, Subject subject, EncodedBody text, EncodedBody html) {
	}

	/**
	 * The subject line as fixed text and placeholders (subject.ftl may use {@code personal.*}
	 * like the bodies). Made one line and free of control characters once filled in, like every
	 * header value.
	 */
	private record Subject(List<Issue.Piece> pieces) {

		static Subject of(Issue issue) {
			return new Subject(issue.subjectPieces());
		}

		String personalise(Issue.Personalisation values) {
			StringBuilder subject = new StringBuilder();
			for (Issue.Piece piece : pieces) {
				subject.append(piece.fixed() ? piece.text() : piece.valueIn(values));
			}
			return subject.toString();
		}
	}

	private Encoded encoded(Issue issue) {
		Encoded current = encoded;
		if (current == null || current.issueId() != issue.id() || !current.personalToken().equals(issue.personalToken())) {
			current = new Encoded(issue.id(), issue.personalToken(), Subject.of(issue),
					new EncodedBody("text/plain; charset=UTF-8", issue.pieces(issue.bodyText())),
					new EncodedBody("text/html; charset=UTF-8", issue.pieces(issue.bodyHtml())));
			encoded = current;
		}
		return current;
	}

	private InternetAddress recipient(Subscriber subscriber) throws MessagingException {
		try {
			String name = subscriber.name() == null ? null : headerSafe(subscriber.name());
			return new InternetAddress(subscriber.email(), name == null || name.isEmpty() ? null : name,
					StandardCharsets.UTF_8.name());
		}
		catch (UnsupportedEncodingException ex) {
			throw new MessagingException("UTF-8 unsupported", ex);
		}
	}

	/**
	 * "Hello Grace," from the subscriber's {@code first_name} attribute (a CSV column) when there
	 * is one, else from the given name in the name ("Hopper, Grace" and "Grace Hopper" give
	 * "Grace"), else "Hello,".
	 */
	static String greeting(Subscriber subscriber) {
		String first = subscriber.attributeMap()
			.entrySet()
			.stream()
			.filter(attribute -> attribute.getKey().replaceAll("[\\s_-]", "").equalsIgnoreCase("firstname"))
			.map(attribute -> headerSafe(attribute.getValue()))
			.filter(value -> !value.isEmpty())
			.findFirst()
			.orElseGet(() -> givenName(subscriber.name() == null ? "" : headerSafe(subscriber.name())));
		return first.isEmpty() ? Issue.GREETING_WITHOUT_NAME : "Hello " + first + ",";
	}

	/** The given name in a name written "Family, Given" or "Given Family": its first word. */
	private static String givenName(String name) {
		int comma = name.indexOf(',');
		String given = (comma >= 0 ? name.substring(comma + 1) : name).strip();
		return given.isEmpty() ? "" : given.split("\\s+")[0];
	}

	/** RFC 2919: the title as a phrase, in RFC 2047 encoded words when it is not ASCII. */
	private String listIdHeader() throws MessagingException {
		try {
			String phrase = MimeUtility.encodeText(headerSafe(properties.title()), StandardCharsets.UTF_8.name(), null);
			return MimeUtility.fold("List-Id: ".length(), phrase + " <" + listId() + ">");
		}
		catch (UnsupportedEncodingException ex) {
			throw new MessagingException("UTF-8 unsupported", ex);
		}
	}

	private String listId() {
		String slug = properties.title().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
		return (slug.isEmpty() ? "newsletter" : slug) + "." + domain;
	}

	private String listUnsubscribe(String url) {
		String header = "<" + url + ">";
		if (!properties.unsubscribeMailto().isBlank()) {
			header += ", <mailto:" + headerSafe(properties.unsubscribeMailto()) + "?subject=unsubscribe>";
		}
		return header;
	}

	/**
	 * Nothing that enters a header keeps a control character (C0, DEL, C1, NEL) or a line or
	 * paragraph separator.
	 */
	static String headerSafe(String value) {
		return value.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", " ").replaceAll("\\s+", " ").strip();
	}

	/**
	 * A message whose Message-ID is ours, not replaced when the message is saved, and which
	 * carries its envelope sender for {@link SmtpSender}.
	 */
	private static final class FixedIdMessage extends MimeMessage implements Enveloped {

		private final String id;

		private final String envelopeFrom;

		FixedIdMessage(Session session, String id, String envelopeFrom) {
			super(session);
			this.id = id;
			this.envelopeFrom = envelopeFrom;
		}

		@Override
		public String envelopeFrom() {
			return envelopeFrom;
		}

		@Override
		protected void updateMessageID() throws MessagingException {
			setHeader("Message-ID", id);
		}
	}
}
