package org.newsletter.web;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.signup.ConfirmProperties;
import org.newsletter.signup.SignUp;
import org.newsletter.signup.SignUpQueue;
import org.newsletter.subscriber.EmailAddresses;
import org.newsletter.subscriber.InvalidAddressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * {@code /subscribe}: GET shows the sign-up form (address, optional name); POST, from it or from
 * the README's snippet on any other site (so no CSRF token: there is no session to ride), queues
 * the sign-up for {@link SignUpQueue} and answers "check your inbox". The answer is the same
 * page, in the same time, whatever the list holds: new, pending, active, unsubscribed or
 * forgotten, the request thread does the same work (check the form, queue it) and the answer
 * depends only on what was posted. Abuse: a client may post {@code newsletter.sign-up.per-client}
 * times per window (429 beyond), the form has a honeypot field hidden by CSS that people leave
 * empty (filled, the post gets the same page and nothing is stored), the body is at most 64 KB,
 * the address at most 254 characters and checked as an import checks it, the name at most 100
 * characters of text on one line.
 */
@Controller
class SignUpPage {

	private static final Logger log = LoggerFactory.getLogger(SignUpPage.class);

	/** The honeypot: a field people do not see, and bots fill in. */
	static final String HONEYPOT = "website";

	/** RFC 5321's limit on a forward path, less its angle brackets. */
	static final int MAX_ADDRESS = 254;

	static final int MAX_NAME = 100;

	private final SignUpQueue queue;

	private final ClientRateLimit rateLimit;

	private final Clock clock;

	private final String title;

	private final String lang;

	private final Duration requestTimeout;

	private final String expiry;

	private final String mailInterval;

	SignUpPage(SignUpQueue queue, ClientRateLimit rateLimit, Clock clock, NewsletterProperties properties,
			ConfirmProperties confirm) {
		this.queue = queue;
		this.rateLimit = rateLimit;
		this.clock = clock;
		this.title = properties.title();
		this.lang = properties.locale().toLanguageTag();
		this.requestTimeout = ServeSettings.timeout(properties.serve().requestTimeout());
		this.expiry = confirm.expiryInWords();
		this.mailInterval = confirm.mailIntervalInWords();
	}

	@GetMapping("/subscribe")
	ResponseEntity<String> form() {
		return page(HttpStatus.OK, "Subscribe to " + title, "", "", "");
	}

	@PostMapping("/subscribe")
	ResponseEntity<String> signUp(HttpServletRequest request) throws IOException {
		Optional<Duration> wait = rateLimit.refuse(request);
		if (wait.isPresent()) {
			long minutes = Math.max(1, wait.get().plusSeconds(59).toMinutes());
			// debug, not info: a flood of them would flood the log
			log.debug("a sign-up was refused: too many from one client (newsletter.sign-up.per-client)");
			return retryAfter(Math.max(1, wait.get().toSeconds()), Pages.answer(HttpStatus.TOO_MANY_REQUESTS, lang,
					"Too many sign-ups", "<p>Too many sign-ups came from your network just now. Please try again in "
							+ minutes + " minute" + (minutes == 1 ? "" : "s") + ".</p>"));
		}
		FormBody form = FormBody.read(request, UnsubscribePage.MAX_BODY, requestTimeout);
		if (form.refused() != null) {
			return Pages.answer(form.refused(), lang, "Request refused", "<p>" + switch (form.refused()) {
				case CONTENT_TOO_LARGE -> "That request is too large.";
				case REQUEST_TIMEOUT -> "That request did not arrive whole in time.";
				case UNSUPPORTED_MEDIA_TYPE -> "Send the form as application/x-www-form-urlencoded.";
				default -> "That request could not be read.";
			} + "</p>");
		}
		Fields fields = Fields.check(form);
		if (fields.problem() != null) {
			return page(HttpStatus.BAD_REQUEST, "Subscribe to " + title, fields.problem(), fields.address(), fields.name());
		}
		if (!form.field(HONEYPOT).isEmpty()) {
			log.debug("a sign-up with the honeypot field filled in: ignored");
		}
		else if (!queue.offer(new SignUp(fields.email(), fields.name().isEmpty() ? null : fields.name(), clock.instant()))) {
			return retryAfter(60, Pages.answer(HttpStatus.SERVICE_UNAVAILABLE, lang, "Please try again shortly",
					"<p>Too many sign-ups are waiting just now. Please try again in a minute.</p>"));
		}
		return Pages.answer(HttpStatus.OK, lang, "Check your inbox", "<p>If <strong>" + Pages.escape(fields.email())
				+ "</strong> can receive " + Pages.escape(title) + ", a message is on its way to it. Open the link in it "
				+ "within " + expiry + " to confirm; nothing else is sent before you do.</p>\n"
				+ "<p>Nothing came? Look in the spam folder, check the address, or sign up again in " + mailInterval + ".</p>");
	}

	private static ResponseEntity<String> retryAfter(long seconds, ResponseEntity<String> answer) {
		return ResponseEntity.status(answer.getStatusCode())
			.headers(answer.getHeaders())
			.header("Retry-After", Long.toString(seconds))
			.body(answer.getBody());
	}

	/**
	 * The form's fields as posted, trimmed; the address normalised, or why they cannot be taken
	 * (for the person who filled them in).
	 */
	private record Fields(String address, String name, String email, String problem) {

		static Fields check(FormBody form) {
			String address = form.field("email").strip();
			String name = form.field("name").strip();
			if (address.isEmpty()) {
				return new Fields(address, name, null, "Please give your email address.");
			}
			if (address.length() > MAX_ADDRESS) {
				return new Fields(address, name, null, "That email address is longer than " + MAX_ADDRESS + " characters.");
			}
			String email;
			try {
				email = EmailAddresses.normalise(address);
			}
			catch (InvalidAddressException ex) {
				return new Fields(address, name, null, "That is not an email address we can send to (" + ex.getMessage() + ").");
			}
			if (name.length() > MAX_NAME) {
				return new Fields(address, name, email, "Please give a name of at most " + MAX_NAME + " characters.");
			}
			if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
				return new Fields(address, name, email, "Please give the name on one line.");
			}
			return new Fields(address, name, email, null);
		}
	}

	/** The form, with an error and the values posted when there is one. */
	private ResponseEntity<String> page(HttpStatus status, String heading, String problem, String address, String name) {
		String input = "style=\"box-sizing:border-box;width:100%;font:inherit;font-size:1rem;padding:.5rem;"
				+ "margin:.25rem 0 1rem;border:1px solid #888;border-radius:.3rem\"";
		return Pages.answer(status, lang, heading, (problem.isEmpty() ? "" : "<p role=\"alert\"><strong>"
				+ Pages.escape(problem) + "</strong></p>\n")
				+ "<p>Get each issue of " + Pages.escape(title) + " by email. First a message comes to the address, to "
				+ "confirm it is yours; nothing else is sent before you confirm.</p>\n"
				+ "<form method=\"post\" action=\"subscribe\" accept-charset=\"UTF-8\">\n"
				+ "<label for=\"email\">Email address</label>\n"
				+ "<input id=\"email\" name=\"email\" type=\"email\" required maxlength=\"" + MAX_ADDRESS
				+ "\" autocomplete=\"email\" value=\"" + Pages.escape(address) + "\" " + input + ">\n"
				+ "<label for=\"name\">Name (optional)</label>\n"
				+ "<input id=\"name\" name=\"name\" type=\"text\" maxlength=\"" + MAX_NAME + "\" autocomplete=\"name\" value=\""
				+ Pages.escape(name) + "\" " + input + ">\n"
				+ "<div aria-hidden=\"true\" style=\"position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden\">"
				+ "<label for=\"" + HONEYPOT + "\">Leave this empty</label><input id=\"" + HONEYPOT + "\" name=\"" + HONEYPOT
				+ "\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"
				+ "<button type=\"submit\">Subscribe</button>\n</form>\n"
				+ "<p><a href=\"archive/\">Past issues</a></p>");
	}
}
