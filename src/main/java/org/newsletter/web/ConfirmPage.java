package org.newsletter.web;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.signup.ConfirmProperties;
import org.newsletter.signup.SignUps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * {@code /confirm?token=...}, the link of the mail a sign-up gets. GET (a person clicking, or a
 * mail scanner following links) only shows a page whose button posts back; POST confirms: the
 * person becomes active, with the name they gave. A malformed, tampered, used or replaced
 * token is answered 400, an authentic one past its expiry 410; neither changes anything.
 */
@Controller
class ConfirmPage {

	private static final Logger log = LoggerFactory.getLogger(ConfirmPage.class);

	private final SignUps signUps;

	private final ApplicationEventPublisher events;

	private final String title;

	private final String lang;

	private final Duration requestTimeout;

	private final String expiry;

	ConfirmPage(SignUps signUps, ApplicationEventPublisher events, NewsletterProperties properties, ConfirmProperties confirm) {
		this.signUps = signUps;
		this.events = events;
		this.title = properties.title();
		this.lang = properties.locale().toLanguageTag();
		this.requestTimeout = ServeSettings.timeout(properties.serve().requestTimeout());
		this.expiry = confirm.expiryInWords();
	}

	@RequestMapping(path = "/confirm", method = { RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST })
	ResponseEntity<String> handle(HttpServletRequest request) throws IOException {
		boolean post = "POST".equals(request.getMethod());
		if (post) {
			// the button's form has no fields; the body is read only so that it is bounded
			FormBody body = FormBody.read(request, UnsubscribePage.MAX_BODY, requestTimeout);
			if (body.refused() != null && body.refused() != HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
				return Pages.answer(body.refused(), lang, "Request refused", "<p>That request could not be read whole.</p>");
			}
		}
		// from the query only, never from a form body
		Optional<String> token = UnsubscribePage.token(request.getQueryString());
		SignUps.Link link = token.isEmpty() ? new SignUps.Link.Invalid()
				: post ? signUps.confirm(token.get()) : signUps.check(token.get());
		if (link instanceof SignUps.Link.Open open) {
			return page(HttpStatus.OK, "Confirm your subscription to " + title, "<p>" + Pages.escape(open.subscriber().email())
					+ " will get each issue of " + Pages.escape(title) + " by email.</p>\n<form method=\"post\" action=\"confirm?token="
					+ Pages.escape(URLEncoder.encode(token.get(), StandardCharsets.UTF_8)) + "\">\n"
					+ "<button type=\"submit\">Confirm my subscription</button>\n</form>");
		}
		if (link instanceof SignUps.Link.Confirmed confirmed) {
			events.publishEvent(new SignUpConfirmed(confirmed.subscriber().email()));
			return page(HttpStatus.OK, "You are subscribed", "<p>" + Pages.escape(confirmed.subscriber().email())
					+ " will get the next issue of " + Pages.escape(title) + ". Every issue has a link to unsubscribe.</p>\n"
					+ "<p><a href=\"archive/\">Past issues</a></p>");
		}
		if (link instanceof SignUps.Link.Expired) {
			return page(HttpStatus.GONE, "This confirmation link has expired",
					"<p>Confirmation links work for " + expiry + ". <a href=\"subscribe\">Sign up again</a> for a new one.</p>");
		}
		log.info("refused a confirmation request with a {} token", token.isPresent() ? "wrong" : "missing");
		return page(HttpStatus.BAD_REQUEST, "This confirmation link is not valid", "<p>It may have been used already, "
				+ "replaced by the link of a newer email, or cut short: use the whole link of the newest email, or "
				+ "<a href=\"subscribe\">sign up again</a>.</p>");
	}

	private ResponseEntity<String> page(HttpStatus status, String heading, String body) {
		return Pages.answer(status, lang, heading, body);
	}
}
