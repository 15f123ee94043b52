package org.newsletter.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.servlet.http.HttpServletRequest;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * {@code /unsubscribe?token=<id>.<hmac>}, the address in every message's {@code List-Unsubscribe}
 * header and footer. GET (a person clicking, or a mail scanner following links) only shows a
 * confirmation page whose button posts back; POST unsubscribes: the button's form, or a mail
 * provider's RFC 8058 one-click request (body {@code List-Unsubscribe=One-Click}, form-encoded
 * or multipart; the body is not needed, the token decides). A missing, malformed or tampered
 * token is answered 400 and changes nothing.
 */
@Controller
class UnsubscribePage {

	private static final Logger log = LoggerFactory.getLogger(UnsubscribePage.class);

	/** More than any form or one-click body; a longer body is refused, unread when its length says so. */
	static final int MAX_BODY = 64 * 1024;

	private final UnsubscribeLinks links;

	private final SubscriberRepository subscribers;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final String title;

	private final String lang;

	private final Duration requestTimeout;

	UnsubscribePage(UnsubscribeLinks links, SubscriberRepository subscribers, Clock clock, ApplicationEventPublisher events,
			NewsletterProperties properties) {
		this.links = links;
		this.subscribers = subscribers;
		this.clock = clock;
		this.events = events;
		this.title = properties.title();
		this.lang = properties.locale().toLanguageTag();
		this.requestTimeout = ServeSettings.timeout(properties.serve().requestTimeout());
	}

	@RequestMapping(path = "/unsubscribe", method = { RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST })
	ResponseEntity<String> handle(HttpServletRequest request) throws IOException {
		boolean post = "POST".equals(request.getMethod());
		HttpStatus refused = post ? FormBody.readBody(request, MAX_BODY,
				System.nanoTime() + requestTimeout.toNanos(), OutputStream.nullOutputStream()) : null;
		if (refused == HttpStatus.CONTENT_TOO_LARGE) {
			return page(refused, "Request too large", "<p>That request is too large.</p>");
		}
		if (refused != null) {
			return page(refused, "Request incomplete", "<p>That request did not arrive whole in time.</p>");
		}
		// From the query only, never from a form body, so no parameter parsing reads the body first.
		Optional<String> token = token(request.getQueryString());
		OptionalLong id = token.map(links::verify).orElse(OptionalLong.empty());
		if (id.isEmpty()) {
			log.info("refused an unsubscribe request with a {} token", token.isPresent() ? "wrong" : "missing");
			return page(HttpStatus.BAD_REQUEST, "This unsubscribe link is not valid",
					"<p>It may have been cut short: use the whole link from the email, or reply to the email and ask "
							+ "to be taken off the list.</p>");
		}
		Optional<Subscriber> subscriber = subscribers.find(id.getAsLong());
		if (subscriber.isEmpty() || Subscriber.UNSUBSCRIBED.equals(subscriber.get().status())) {
			return page(HttpStatus.OK, "You are not subscribed",
					"<p>This address gets no more issues of " + Pages.escape(title) + ".</p>");
		}
		if (post) {
			subscribers.unsubscribe(id.getAsLong(), clock.instant());
			log.info("subscriber {} unsubscribed over HTTP", id.getAsLong());
			events.publishEvent(new Unsubscribed(subscriber.get().email()));
			return page(HttpStatus.OK, "You are unsubscribed", "<p>" + Pages.escape(subscriber.get().email())
					+ " gets no more issues of " + Pages.escape(title) + ".</p>");
		}
		return page(HttpStatus.OK, "Unsubscribe from " + title + "?", "<p>" + Pages.escape(subscriber.get().email())
				+ " will get no more issues.</p>\n<form method=\"post\" action=\"unsubscribe?token="
				+ Pages.escape(URLEncoder.encode(token.get(), StandardCharsets.UTF_8)) + "\">\n"
				+ "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
				+ "<button type=\"submit\">Unsubscribe</button>\n</form>");
	}

	private ResponseEntity<String> page(HttpStatus status, String heading, String body) {
		return Pages.answer(status, lang, heading, body);
	}

	/** The first {@code token} parameter of the query, percent-decoded; empty when absent or malformed. */
	static Optional<String> token(String rawQuery) {
		if (rawQuery == null) {
			return Optional.empty();
		}
		String raw = UriComponentsBuilder.newInstance().query(rawQuery).build().getQueryParams().getFirst("token");
		if (raw == null) {
			return Optional.empty();
		}
		try {
			String value = UriUtils.decode(raw.replace('+', ' '), StandardCharsets.UTF_8);
			return value.isEmpty() || value.length() > 200 ? Optional.empty() : Optional.of(value);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}
}
