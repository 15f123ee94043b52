package org.newsletter.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;

/**
 * Tells what a message of the bounce mailbox is: a bounce (with its status code, hard or soft),
 * an automatic reply, a delay warning, or something else.
 * <p>
 * In this order, since each later test would also match some earlier kinds:
 * <ol>
 * <li>A delivery status notification (RFC 3464): a {@code message/delivery-status} part (in a
 * {@code multipart/report}, or anywhere in the message, as some servers nest it). The first
 * recipient whose {@code Action} is {@code failed} is the bounce, with its {@code Status}.
 * {@code delayed} alone is a warning, not a bounce: the server is still trying, and if it gives up
 * a failure report follows; {@code delivered}, {@code relayed} and {@code expanded} are not failures.</li>
 * <li>A bounce in words, as qmail, Exim, old Postfix and Sendmail, Yahoo, Gmail and others write
 * them without a delivery-status part: from a mailer daemon or postmaster, or with
 * {@code X-Failed-Recipients}, or under a subject such as "Undelivered Mail" or "failure notice",
 * and saying in its text (before the copy of the original) that delivery failed or giving a status
 * code. The status is the first {@code 5.1.1}-style code there, else the first SMTP reply code
 * ({@code 550} reads as {@code 5.0.0}), else a "user unknown" phrase (5.1.1) or a "mailbox full" one
 * (4.2.2); else it is unknown, and a bounce of unknown status counts as soft.</li>
 * <li>An automatic reply (RFC 3834 {@code Auto-Submitted}, {@code X-Autoreply},
 * {@code Precedence: auto_reply}, Apple's vacation header, or a subject such as "Out of Office" or
 * "Automatic reply"). Checked after the bounces because mail servers mark their bounces
 * {@code Auto-Submitted: auto-replied} too.</li>
 * </ol>
 * Hard or soft: 4.x.x is soft; 5.x.x is hard except x.2.2 (mailbox full: the address exists) and
 * x.7.x (security or policy: a spam filter or a block refused this message, not the address).
 */
final class BounceParser {

	private static final Pattern STATUS = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?!\\.?\\d)");

	private static final Pattern REPLY_CODE = Pattern.compile("(?<![\\d.#])([45][0-5]\\d)(?:[ :-]|$)", Pattern.MULTILINE);

	private static final Pattern DAEMON = Pattern.compile("(?i)(^|[<\\s])(mailer-?daemon|mail-daemon|postmaster|mdaemon|mail\\.?delivery\\.?system)@");

	private static final Pattern BOUNCE_SUBJECT = Pattern.compile("(?i)^\\s*(undeliver(ed|able)|mail delivery (failed|failure|system)"
			+ "|delivery (status notification|failure|has failed|notification)|failure notice|returned mail|non[- ]?delivery"
			+ "|mail system error|delivery failed|message (not delivered|delivery failed)|could not send message"
			+ "|nicht zustellbar|unzustellbar|non remis|no se puede entregar)");

	private static final Pattern FAILURE = Pattern.compile("(?i)(could ?n[o']t be delivered|was ?n[o']t delivered|not (be )?delivered"
			+ "|delivery (to the following recipients? )?(has )?failed|unable to deliver|permanent(ly)? (error|fail)"
			+ "|undeliverable|failed permanently|following address(\\(es\\)|es)? failed|no mailbox here"
			+ "|user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|address not found|mailbox unavailable"
			+ "|recipient (address )?rejected|given up|gave up|delivery failure|could not deliver|couldn't deliver"
			+ "|did not reach|permanent (fatal |delivery )?errors?|not recognized|failure reasons|host unknown"
			+ "|transcript of session)");

	private static final Pattern UNKNOWN_USER = Pattern.compile("(?i)(user unknown|unknown user|no such (user|mailbox|recipient)"
			+ "|no mailbox here|does ?n[o']t exist|address (wasn't |was not )?(not )?found|mailbox unavailable"
			+ "|invalid (recipient|mailbox|address)|recipient not found|account (is )?(disabled|closed|inactive)"
			+ "|not our customer|unrouteable address|host or domain name not found|does ?n[o']t have an? [\\w.-]+ account)");

	private static final Pattern MAILBOX_FULL = Pattern.compile("(?i)(mailbox (is )?full|over ?quota|quota exceeded|exceeded (the )?"
			+ "(storage|quota)|insufficient (system )?storage|mailbox has exceeded)");

	/** Where a bounce in words stops speaking and quotes the original message. */
	private static final Pattern COPY_MARKER = Pattern.compile("(?im)^[ \\t>-]*(-+ ?)?(below this line is a copy|this is a copy of"
			+ "|original message|original message headers|undelivered message|the original message|a copy of the original"
			+ "|returned message|message headers follow|unsent message follows|content-type: message/rfc822)");

	private static final Pattern AUTO_REPLY_SUBJECT = Pattern.compile("(?i)^\\s*(out of (the )?office|ooo\\b|automatic reply"
			+ "|auto(matic)?[- ]?(reply|response|antwort)|autoreply|autoresponse|vacation|away from|on leave|abwesenheit"
			+ "|r[ée]ponse automatique|respuesta autom[aá]tica|risposta automatica|fuori sede|afwezig)");

	private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

	/** Reads one message; never throws for a message it cannot make sense of (it is then {@code OTHER}). */
	Reading read(MimeMessage message) {
		try {
			Optional<Part> report = deliveryStatusPart(message, 0);
			if (report.isPresent()) {
				return fromDeliveryStatus(report.get());
			}
			String text = MailText.text(message, 0);
			if (looksLikeBounce(message, text)) {
				return fromWords(message, text);
			}
			if (autoReply(message)) {
				return new Reading.NotBounce(Reading.Why.AUTO_REPLY, "an automatic reply: " + MailText.subject(message));
			}
			return new Reading.NotBounce(Reading.Why.OTHER, "not a bounce: " + MailText.subject(message));
		}
		catch (MessagingException | IOException | RuntimeException ex) {
			return new Reading.NotBounce(Reading.Why.OTHER, "unreadable (" + ex.getMessage() + ")");
		}
	}

	// --- RFC 3464

	/** The first {@code message/delivery-status} part, looking into nested multiparts (not into attached messages). */
	private static Optional<Part> deliveryStatusPart(Part part, int depth) throws MessagingException, IOException {
		if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")) {
			return Optional.of(part);
		}
		if (depth < 5 && part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
			for (int i = 0; i < multipart.getCount(); i++) {
				Optional<Part> found = deliveryStatusPart(multipart.getBodyPart(i), depth + 1);
				if (found.isPresent()) {
					return found;
				}
			}
		}
		return Optional.empty();
	}

	private static Reading fromDeliveryStatus(Part report) throws MessagingException, IOException {
		List<InternetHeaders> recipients = recipientBlocks(MailText.read(report.getInputStream()));
		InternetHeaders failed = null;
		boolean delayed = false;
		for (InternetHeaders recipient : recipients) {
			String action = field(recipient, "Action").toLowerCase(Locale.ROOT);
			if (action.startsWith("fail")) {
				failed = recipient;
				break;
			}
			delayed |= action.startsWith("delay");
		}
		if (failed == null) {
			return delayed ? new Reading.NotBounce(Reading.Why.DELAY_WARNING, "a delay warning (still being retried)")
					: new Reading.NotBounce(Reading.Why.OTHER, "a delivery report without a failure");
		}
		String diagnostic = afterType(field(failed, "Diagnostic-Code"));
		String status = code(field(failed, "Status")).or(() -> codeIn(diagnostic)).orElse(null);
		Set<String> addresses = new LinkedHashSet<>();
		for (String name : new String[] { "Final-Recipient", "Original-Recipient", "X-Actual-Recipient" }) {
			String address = afterType(field(failed, name)).replaceAll("[<>]", "").strip().toLowerCase(Locale.ROOT);
			if (address.contains("@")) {
				addresses.add(address);
			}
		}
		if (status == null) {
			status = phraseStatus(diagnostic).orElse(null);
		}
		return bounce(status, diagnostic, List.copyOf(addresses));
	}

	/** The per-recipient blocks of a delivery-status body (the first block is about the message). */
	private static List<InternetHeaders> recipientBlocks(String body) throws MessagingException {
		List<InternetHeaders> blocks = new ArrayList<>();
		String[] parts = body.replace("\r\n", "\n").replace('\r', '\n').split("\n[ \t]*\n");
		for (int i = 0; i < parts.length; i++) {
			if (parts[i].isBlank()) {
				continue;
			}
			var headers = new InternetHeaders(new ByteArrayInputStream((parts[i].strip() + "\n\n").getBytes(StandardCharsets.UTF_8)));
			if (headers.getHeader("Action") != null || headers.getHeader("Final-Recipient") != null) {
				blocks.add(headers);
			}
		}
		return blocks;
	}

	private static String field(InternetHeaders headers, String name) {
		String value = headers.getHeader(name, " ");
		return value == null ? "" : value.replaceAll("\\s+", " ").strip();
	}

	/** {@code smtp; 550 5.1.1 ...} → {@code 550 5.1.1 ...}: the value after its type. */
	private static String afterType(String value) {
		int semicolon = value.indexOf(';');
		return (semicolon >= 0 && semicolon < 20 ? value.substring(semicolon + 1) : value).strip();
	}

	// --- bounces in words

	private static boolean looksLikeBounce(MimeMessage message, String text) throws MessagingException {
		boolean failedRecipients = message.getHeader("X-Failed-Recipients") != null;
		boolean fromDaemon = DAEMON.matcher(MailText.fromAddress(message)).find()
				|| MailText.personal(message).toLowerCase(Locale.ROOT).contains("mail delivery");
		boolean subject = BOUNCE_SUBJECT.matcher(MailText.subject(message)).find();
		if (!failedRecipients && !fromDaemon && !subject) {
			return false;
		}
		String said = beforeCopy(text);
		return failedRecipients || FAILURE.matcher(said).find() || STATUS.matcher(said).find();
	}

	private static Reading fromWords(MimeMessage message, String text) throws MessagingException {
		String said = beforeCopy(text);
		Set<String> addresses = new LinkedHashSet<>();
		String[] failed = message.getHeader("X-Failed-Recipients");
		if (failed != null) {
			for (String header : failed) {
				Matcher address = ADDRESS.matcher(header);
				while (address.find()) {
					addresses.add(address.group().toLowerCase(Locale.ROOT));
				}
			}
		}
		Matcher status = STATUS.matcher(said);
		Optional<String> code = Optional.empty();
		String diagnostic = "";
		while (code.isEmpty() && status.find()) {
			if (status.group(1).charAt(0) != '2') {
				code = Optional.of(status.group());
				diagnostic = lineAround(said, status.start());
			}
		}
		if (code.isEmpty()) {
			Matcher reply = REPLY_CODE.matcher(said);
			if (reply.find()) {
				code = Optional.of(reply.group(1).charAt(0) + ".0.0");
				diagnostic = lineAround(said, reply.start());
			}
		}
		if (code.isEmpty()) {
			Matcher full = MAILBOX_FULL.matcher(said);
			Matcher unknown = UNKNOWN_USER.matcher(said);
			if (full.find()) {
				code = Optional.of("4.2.2");
				diagnostic = lineAround(said, full.start());
			}
			else if (unknown.find()) {
				code = Optional.of("5.1.1");
				diagnostic = lineAround(said, unknown.start());
			}
		}
		if (diagnostic.isEmpty()) {
			Matcher failure = FAILURE.matcher(said);
			diagnostic = failure.find() ? lineAround(said, failure.start()) : MailText.subject(message);
		}
		return bounce(code.orElse(null), diagnostic, List.copyOf(addresses));
	}

	/** The text up to where the original message is quoted. */
	private static String beforeCopy(String text) {
		Matcher marker = COPY_MARKER.matcher(text);
		return marker.find() && marker.start() > 0 ? text.substring(0, marker.start()) : text;
	}

	/** The line of {@code text} at {@code index}, with the next one when the line ends mid-sentence. */
	private static String lineAround(String text, int index) {
		int start = text.lastIndexOf('\n', index) + 1;
		int end = text.indexOf('\n', index);
		end = end < 0 ? text.length() : end;
		String line = text.substring(start, end).strip();
		if (line.length() < 60 && end < text.length()) {
			int next = text.indexOf('\n', end + 1);
			String following = text.substring(end + 1, next < 0 ? text.length() : next).strip();
			if (!following.isEmpty()) {
				line = line + " " + following;
			}
		}
		return line;
	}

	// --- automatic replies

	private static boolean autoReply(MimeMessage message) throws MessagingException {
		String submitted = MailText.header(message, "Auto-Submitted").toLowerCase(Locale.ROOT);
		if (!submitted.isEmpty() && !submitted.startsWith("no")) {
			return true;
		}
		for (String name : new String[] { "X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autogenerated" }) {
			String value = MailText.header(message, name).toLowerCase(Locale.ROOT);
			if (message.getHeader(name) != null && !value.equals("no") && !value.equals("false")) {
				return true;
			}
		}
		return MailText.header(message, "Precedence").equalsIgnoreCase("auto_reply")
				|| MailText.header(message, "X-Apple-Action").equalsIgnoreCase("vacation")
				|| AUTO_REPLY_SUBJECT.matcher(MailText.subject(message)).find();
	}

	// --- status codes

	/** The bounce of {@code status} (null: unknown, soft), or not a bounce when the status says delivered. */
	private static Reading bounce(String status, String diagnostic, List<String> recipients) {
		if (status != null && status.startsWith("2")) {
			return new Reading.NotBounce(Reading.Why.OTHER, "a delivery report of success (" + status + ")");
		}
		String line = diagnostic.replaceAll("[\\p{Cc}\\s]+", " ").strip();
		return new Reading.Bounce(kind(status), status == null ? "unknown" : status,
				line.length() > 1000 ? line.substring(0, 1000) : line, recipients);
	}

	static Reading.Kind kind(String status) {
		if (status == null || !status.startsWith("5")) {
			return Reading.Kind.SOFT;
		}
		String[] parts = status.split("\\.");
		boolean mailboxFull = parts.length == 3 && parts[1].equals("2") && parts[2].equals("2");
		boolean policy = parts.length == 3 && parts[1].equals("7");
		return mailboxFull || policy ? Reading.Kind.SOFT : Reading.Kind.HARD;
	}

	private static Optional<String> code(String field) {
		Matcher status = STATUS.matcher(field);
		return status.find() ? Optional.of(status.group()) : Optional.empty();
	}

	private static Optional<String> codeIn(String diagnostic) {
		Optional<String> status = code(diagnostic);
		if (status.isPresent()) {
			return status;
		}
		Matcher reply = REPLY_CODE.matcher(diagnostic);
		return reply.find() ? Optional.of(reply.group(1).charAt(0) + ".0.0") : Optional.empty();
	}

	private static Optional<String> phraseStatus(String text) {
		if (MAILBOX_FULL.matcher(text).find()) {
			return Optional.of("4.2.2");
		}
		if (UNKNOWN_USER.matcher(text).find()) {
			return Optional.of("5.1.1");
		}
		return Optional.empty();
	}
}
