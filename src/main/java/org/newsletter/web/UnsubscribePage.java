package org.newsletter.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /unsubscribe?token=<id>.<hmac>}, the address in every message's {@code List-Unsubscribe}
 * header and footer. GET (a person clicking, or a mail scanner following links) only shows a
 * confirmation page whose button posts back; POST unsubscribes: the button's form, or a mail
 * provider's RFC 8058 one-click request (body {@code List-Unsubscribe=One-Click}, form-encoded
 * or multipart; the body is not needed, the token decides). A missing, malformed or tampered
 * token is answered 400 and changes nothing.
 */
final class UnsubscribePage {

	private static final Logger log = LoggerFactory.getLogger(UnsubscribePage.class);

	/** More than any form or one-click body; a longer body is refused, unread when its length says so. */
	private static final int MAX_BODY = 64 * 1024;

	private final UnsubscribeLinks links;

	private final SubscriberRepository subscribers;

	private final Clock clock;

	private final String title;

	private final String lang;

	private final Consumer<String> report;

	/** @param report told one line per unsubscribe (the operator's terminal) */
	UnsubscribePage(UnsubscribeLinks links, SubscriberRepository subscribers, Clock clock, String title, String lang,
			Consumer<String> report) {
		this.links = links;
		this.subscribers = subscribers;
		this.clock = clock;
		this.title = title;
		this.lang = lang;
		this.report = report;
	}

	void handle(HttpExchange exchange) throws IOException {
		String method = exchange.getRequestMethod();
		boolean post = "POST".equals(method);
		if (!post && !"GET".equals(method) && !"HEAD".equals(method)) {
			Pages.methodNotAllowed(exchange, "GET, HEAD, POST", lang);
			return;
		}
		if (post && (declaredTooLarge(exchange) || !drained(exchange.getRequestBody()))) {
			Pages.send(exchange, 413, page("Request too large", "<p>That request is too large.</p>"));
			return;
		}
		Optional<String> token = token(exchange.getRequestURI().getRawQuery());
		OptionalLong id = token.map(links::verify).orElse(OptionalLong.empty());
		if (id.isEmpty()) {
			log.info("refused an unsubscribe request with a {} token", token.isPresent() ? "wrong" : "missing");
			Pages.send(exchange, 400, page("This unsubscribe link is not valid",
					"<p>It may have been cut short: use the whole link from the email, or reply to the email and ask "
							+ "to be taken off the list.</p>"));
			return;
		}
		Optional<Subscriber> subscriber = subscribers.find(id.getAsLong());
		if (subscriber.isEmpty() || Subscriber.UNSUBSCRIBED.equals(subscriber.get().status())) {
			Pages.send(exchange, 200, page("You are not subscribed",
					"<p>This address gets no more issues of " + Pages.escape(title) + ".</p>"));
		}
		else if (post) {
			subscribers.unsubscribe(id.getAsLong(), clock.instant());
			log.info("subscriber {} unsubscribed over HTTP", id.getAsLong());
			report.accept("unsubscribed: " + subscriber.get().email());
			Pages.send(exchange, 200, page("You are unsubscribed", "<p>" + Pages.escape(subscriber.get().email())
					+ " gets no more issues of " + Pages.escape(title) + ".</p>"));
		}
		else {
			Pages.send(exchange, 200, page("Unsubscribe from " + title + "?", "<p>" + Pages.escape(subscriber.get().email())
					+ " will get no more issues.</p>\n<form method=\"post\" action=\"unsubscribe?token="
					+ Pages.escape(URLEncoder.encode(token.get(), StandardCharsets.UTF_8)) + "\">\n"
					+ "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
					+ "<button type=\"submit\">Unsubscribe</button>\n</form>"));
		}
	}

	private String page(String heading, String body) {
		return Pages.page(lang, heading, body);
	}

	/** The first {@code token} parameter of the query, percent-decoded; empty when absent or malformed. */
	static Optional<String> token(String rawQuery) {
		if (rawQuery == null) {
			return Optional.empty();
		}
		for (String parameter : rawQuery.split("&")) {
			if (parameter.startsWith("token=")) {
				try {
					String value = URLDecoder.decode(parameter.substring("token=".length()), StandardCharsets.UTF_8);
					return value.isEmpty() || value.length() > 200 ? Optional.empty() : Optional.of(value);
				}
				catch (IllegalArgumentException ex) {
					return Optional.empty();
				}
			}
		}
		return Optional.empty();
	}

	/** Whether {@code Content-Length} already says more than {@link #MAX_BODY}: then none of it is read. */
	private static boolean declaredTooLarge(HttpExchange exchange) {
		String length = exchange.getRequestHeaders().getFirst("Content-Length");
		// The JDK server has already refused a length that is not a number.
		return length != null && Long.parseLong(length.trim()) > MAX_BODY;
	}

	/** Reads the body to its end, up to {@link #MAX_BODY}; false when it is longer. */
	private static boolean drained(InputStream body) throws IOException {
		try (body) {
			byte[] buffer = new byte[8192];
			long total = 0;
			for (int n; (n = body.read(buffer)) != -1;) {
				total += n;
				if (total > MAX_BODY) {
					return false;
				}
			}
			return true;
		}
	}
}
