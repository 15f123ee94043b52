package org.newsletter.signup;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.DkimSigner;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.stereotype.Component;

/**
 * The mail a sign-up gets, from the templates folder like the issue (the jar's copies where a
 * file is missing): {@code confirm-subject.ftl}, {@code confirm.txt.ftl} and
 * {@code confirm.html.ftlh} (auto-escaped), as {@code multipart/alternative}, DKIM-signed when
 * that is configured. A transactional mail, not the list's: no {@code List-Unsubscribe}.
 */
@Component
class ConfirmationMail {

	private final Session session = Session.getInstance(new java.util.Properties());

	private final Configuration freemarker;

	private final NewsletterProperties properties;

	private final UnsubscribeLinks unsubscribeLinks;

	private final DkimSigner dkim;

	private final InternetAddress from;

	private final String domain;

	private final DateTimeFormatter dates;

	private final SecureRandom random = new SecureRandom();

	ConfirmationMail(NewsletterProperties properties, UnsubscribeLinks unsubscribeLinks, DkimSigner dkim)
			throws IOException, MessagingException {
		this.properties = properties;
		this.unsubscribeLinks = unsubscribeLinks;
		this.dkim = dkim;
		this.from = new InternetAddress(properties.from(), true);
		this.domain = from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
		this.dates = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm z", properties.locale()).withZone(properties.timeZone());
		this.freemarker = new Configuration(Configuration.VERSION_2_3_34);
		List<TemplateLoader> loaders = new ArrayList<>();
		if (Files.isDirectory(properties.templatesDir())) {
			loaders.add(new FileTemplateLoader(properties.templatesDir().toFile()));
		}
		loaders.add(new ClassTemplateLoader(ConfirmationMail.class, "/templates"));
		freemarker.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
		freemarker.setDefaultEncoding("UTF-8");
		freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
		freemarker.setLogTemplateExceptions(false);
	}

	/** The message for {@code letter}. */
	MimeMessage build(SignUps.Letter letter) throws MessagingException {
		Map<String, Object> model = model(letter);
		var message = new OwnIdMessage(session,
				"<sign-up." + letter.subscriber().id() + "." + HexFormat.of().formatHex(bytes(8)) + "@" + domain + ">");
		message.setFrom(from);
		message.setRecipient(MimeMessage.RecipientType.TO, recipient(letter));
		if (!properties.replyTo().isBlank()) {
			message.setReplyTo(InternetAddress.parse(properties.replyTo(), true));
		}
		message.setSubject(oneLine(render("confirm-subject.ftl", model)), StandardCharsets.UTF_8.name());
		message.setSentDate(new Date());
		message.setHeader("Auto-Submitted", "auto-generated");
		var text = new MimeBodyPart();
		text.setText(render("confirm.txt.ftl", model), StandardCharsets.UTF_8.name(), "plain");
		var html = new MimeBodyPart();
		html.setText(render("confirm.html.ftlh", model), StandardCharsets.UTF_8.name(), "html");
		message.setContent(new MimeMultipart("alternative", text, html));
		message.saveChanges();
		return dkim.sign(message);
	}

	private Map<String, Object> model(SignUps.Letter letter) {
		String base = properties.baseUrl().replaceAll("/+$", "");
		Map<String, Object> model = new HashMap<>();
		model.put("title", properties.title());
		model.put("lang", properties.locale().toLanguageTag());
		model.put("email", letter.subscriber().email());
		model.put("name", letter.name() == null ? "" : oneLine(letter.name()));
		model.put("alreadySubscribed", letter.alreadySubscribed());
		model.put("archiveUrl", base + "/archive/");
		if (letter.alreadySubscribed()) {
			model.put("unsubscribeUrl", unsubscribeLinks.url(letter.subscriber().id()));
		}
		else {
			model.put("confirmUrl", letter.confirmUrl());
			model.put("expires", dates.format(letter.expires()));
		}
		return model;
	}

	private byte[] bytes(int count) {
		byte[] bytes = new byte[count];
		random.nextBytes(bytes);
		return bytes;
	}

	private InternetAddress recipient(SignUps.Letter letter) throws MessagingException {
		String name = letter.name() == null ? "" : oneLine(letter.name());
		try {
			return new InternetAddress(letter.subscriber().email(), name.isEmpty() ? null : name, StandardCharsets.UTF_8.name());
		}
		catch (UnsupportedEncodingException ex) {
			throw new MessagingException("UTF-8 unsupported", ex);
		}
	}

	private String render(String template, Map<String, Object> model) {
		try {
			var out = new StringWriter();
			freemarker.getTemplate(template).process(model, out);
			return out.toString();
		}
		catch (IOException | TemplateException ex) {
			throw new IllegalStateException("template " + template + " failed: " + ex.getMessage(), ex);
		}
	}

	/** Nothing that enters a header keeps a control character or a line break. */
	private static String oneLine(String text) {
		return text.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", " ").replaceAll("\\s+", " ").strip();
	}

	/**
	 * A message with a Message-ID of ours: Jakarta Mail's own names the machine's user and host
	 * name. Random, so the outbox keeps one file per mail.
	 */
	private static final class OwnIdMessage extends MimeMessage {

		private final String id;

		OwnIdMessage(Session session, String id) {
			super(session);
			this.id = id;
		}

		@Override
		protected void updateMessageID() throws MessagingException {
			setHeader("Message-ID", id);
		}
	}
}
