package org.newsletter.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;

/**
 * What {@link BounceParser} reads of a message as text: its readable text parts, its headers
 * and sender, forgiving of what real mail gets wrong (unknown charsets, From headers that do not
 * parse), and bounded, since a bounce says what matters at its start.
 */
final class MailText {

	/** At most this much of a text or report part is read. */
	private static final int MAX_TEXT = 64 * 1024;

	private MailText() {
	}

	/** The readable text of a message: its text parts (HTML made text), not those of attached messages. */
	static String text(Part part, int depth) throws MessagingException, IOException {
		if (part.isMimeType("text/plain") || part.isMimeType("text/html")) {
			String text;
			try {
				text = part.getContent() instanceof String string ? string : read(part.getInputStream());
			}
			catch (IOException ex) { // an unknown charset
				text = read(part.getInputStream());
			}
			text = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
			return part.isMimeType("text/html") ? Jsoup.parse(text).wholeText() : text;
		}
		if (depth < 5 && part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
			var text = new StringBuilder();
			boolean alternative = part.isMimeType("multipart/alternative");
			for (int i = 0; i < multipart.getCount(); i++) {
				BodyPart child = multipart.getBodyPart(i);
				if (alternative && child.isMimeType("text/html") && !text.isEmpty()) {
					continue; // the plain-text alternative said it already
				}
				String childText = text(child, depth + 1);
				if (!childText.isEmpty()) {
					text.append(childText).append('\n');
				}
			}
			return text.toString();
		}
		return "";
	}

	static String read(InputStream in) throws IOException {
		try (in) {
			return new String(in.readNBytes(MAX_TEXT), StandardCharsets.ISO_8859_1);
		}
	}

	static String header(MimeMessage message, String name) throws MessagingException {
		String value = message.getHeader(name, " ");
		return value == null ? "" : value.strip();
	}

	static String subject(MimeMessage message) {
		try {
			String subject = message.getSubject();
			return subject == null ? "" : subject.replaceAll("\\s+", " ").strip();
		}
		catch (MessagingException ex) {
			return "";
		}
	}

	static String fromAddress(MimeMessage message) throws MessagingException {
		InternetAddress from = from(message);
		return from == null ? header(message, "From").toLowerCase(Locale.ROOT) : from.getAddress().toLowerCase(Locale.ROOT);
	}

	static String personal(MimeMessage message) throws MessagingException {
		InternetAddress from = from(message);
		return from == null || from.getPersonal() == null ? "" : from.getPersonal();
	}

	private static InternetAddress from(MimeMessage message) {
		try {
			Address[] from = message.getFrom();
			return from != null && from.length > 0 && from[0] instanceof InternetAddress address ? address : null;
		}
		catch (MessagingException ex) {
			return null; // a From header that does not parse: read as text
		}
	}
}
