package org.newsletter.web;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /subscribe} and {@code /confirm} over Spring MVC with the real sign-up queue, tokens and
 * repositories on an in-memory database, mailing to the outbox folder ({@link WebSlice}): what a
 * post stored is read back from the table, what it mailed from the {@code .eml} files. Each test
 * signs up addresses of its own, from clients of its own ({@code X-Forwarded-For} through a
 * proxy on loopback, as MockMvc's requests come from 127.0.0.1); one client may post 3 times a
 * minute here.
 */
@WebMvcTest
@Import(WebSlice.class)
@RecordApplicationEvents
class SignUpPageTests {

	@Autowired
	MockMvcTester mvc;

	@Autowired
	SubscriberRepository subscribers;

	@Autowired
	WebSlice.DataDir dataDir;

	@Autowired
	ApplicationEvents events;

	@Test
	void theFormAsksForAnAddressAndAnOptionalNameAndHidesTheHoneypotWithoutAScript() {
		var answer = mvc.get().uri("/subscribe").exchange();

		assertThat(answer).hasStatusOk().hasHeader("Cache-Control", "no-store");
		assertThat(answer.getResponse().getHeader("Content-Security-Policy")).contains("form-action 'self'")
			.doesNotContain("script-src");
		var page = WebSlice.page(answer);
		assertThat(page.selectFirst("h1").text()).isEqualTo("Subscribe to " + WebSlice.TITLE);
		assertThat(page.select("script")).isEmpty();
		var form = page.selectFirst("form");
		assertThat(form.attr("method")).isEqualTo("post");
		assertThat(form.attr("action")).isEqualTo("subscribe");
		Element email = form.selectFirst("input[name=email]");
		assertThat(email.attr("type")).isEqualTo("email");
		assertThat(email.hasAttr("required")).isTrue();
		assertThat(email.attr("maxlength")).isEqualTo("254");
		assertThat(form.selectFirst("input[name=name]").hasAttr("required")).isFalse();
		assertThat(form.selectFirst("label[for=name]").text()).contains("optional");
		Element honeypot = form.selectFirst("input[name=website]");
		assertThat(honeypot.attr("tabindex")).isEqualTo("-1");
		assertThat(honeypot.parent().attr("style")).contains("position:absolute", "left:-10000px");
		assertThat(honeypot.parent().attr("aria-hidden")).isEqualTo("true");
	}

	@Test
	void aSignUpMailsALinkWhoseButtonConfirmsOnce() throws Exception {
		String email = address();

		var answer = signUp("email=" + encode(email) + "&name=" + encode("Ada Lovelace"), client());

		assertThat(answer).hasStatusOk();
		assertThat(WebSlice.page(answer).selectFirst("h1").text()).isEqualTo("Check your inbox");
		MimeMessage mail = awaitMail(email);
		assertThat(mail.getSubject()).isEqualTo("Confirm your subscription to " + WebSlice.TITLE);
		assertThat(subscribers.findByEmail(email).orElseThrow().status()).isEqualTo(Subscriber.PENDING);
		String link = confirmLink(mail);
		assertThat(link).startsWith("https://newsletter.example/confirm?token=");

		var confirmPage = mvc.get().uri(link.substring("https://newsletter.example".length())).exchange();
		assertThat(confirmPage).hasStatusOk().bodyText().contains(email);
		assertThat(subscribers.findByEmail(email).orElseThrow().status()).as("a GET changes nothing").isEqualTo(Subscriber.PENDING);
		var button = WebSlice.page(confirmPage).selectFirst("form");
		assertThat(button.attr("method")).isEqualTo("post");
		var confirmed = mvc.post().uri("/" + button.attr("action")).exchange();
		var again = mvc.post().uri("/" + button.attr("action")).exchange();

		assertThat(confirmed).hasStatusOk();
		assertThat(WebSlice.page(confirmed).selectFirst("h1").text()).isEqualTo("You are subscribed");
		Subscriber active = subscribers.findByEmail(email).orElseThrow();
		assertThat(active.status()).isEqualTo(Subscriber.ACTIVE);
		assertThat(active.name()).isEqualTo("Ada Lovelace");
		assertThat(events.stream(SignUpConfirmed.class)).containsExactly(new SignUpConfirmed(email));
		assertThat(again).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void theAnswerIsTheSameWhateverTheListHoldsAndTheHoneypotIsAnsweredAlikeStoringNothing() throws Exception {
		String active = address();
		String unsubscribed = address();
		subscribers.subscribe(active, "Active", Instant.parse("2026-03-01T00:00:00Z"));
		subscribers.subscribe(unsubscribed, "Gone", Instant.parse("2026-03-01T00:00:00Z"));
		subscribers.unsubscribe(subscribers.findByEmail(unsubscribed).orElseThrow().id(), Instant.parse("2026-03-02T00:00:00Z"));
		String unknown = address();
		String honeypot = address();

		List<String> pages = new java.util.ArrayList<>();
		for (String email : List.of(active, unsubscribed, unknown)) {
			var answer = signUp("email=" + encode(email) + "&name=Reader&website=", client());
			assertThat(answer).hasStatusOk();
			pages.add(answer.getResponse().getContentAsString(StandardCharsets.UTF_8).replace(email, "ADDRESS"));
		}
		var trapped = signUp("email=" + encode(honeypot) + "&name=Reader&website=" + encode("http://spam.example"), client());
		pages.add(trapped.getResponse().getContentAsString(StandardCharsets.UTF_8).replace(honeypot, "ADDRESS"));

		assertThat(pages).containsOnly(pages.get(0));
		assertThat(awaitMail(active).getSubject()).isEqualTo("You are already subscribed to " + WebSlice.TITLE);
		assertThat(awaitMail(unsubscribed).getSubject()).startsWith("Confirm your subscription");
		assertThat(awaitMail(unknown).getSubject()).startsWith("Confirm your subscription");
		assertThat(subscribers.findByEmail(unsubscribed).orElseThrow().status()).isEqualTo(Subscriber.UNSUBSCRIBED);
		awaitMail(signUpNow(address())); // the queue is handled in order: had the honeypot's post been queued, it is done
		assertThat(subscribers.findByEmail(honeypot)).isEmpty();
		assertThat(mailTo(honeypot)).isEmpty();
	}

	@Test
	void aRepeatedSignUpGetsTheSamePageAndNoSecondMail() throws Exception {
		String email = address();
		String form = "email=" + encode(email);

		var first = signUp(form, client());
		awaitMail(email);
		var second = signUp(form, client());
		awaitMail(signUpNow(address())); // handled after the second, by the one thread

		assertThat(second.getResponse().getContentAsString()).isEqualTo(first.getResponse().getContentAsString());
		assertThat(mailFiles(email)).hasSize(1);
	}

	@Test
	void badFieldsGetTheFormBackWithTheValuesEscapedAndNothingIsQueued() throws Exception {
		String client = client();
		List<String> bad = List.of("email=", "email=" + encode("not-an-address"),
				"email=" + encode("a".repeat(250) + "@example.org"), "email=" + encode("\"><script>alert(1)</script>@x.org"));
		for (String form : bad) {
			var answer = signUp(form, client());

			assertThat(answer).as(form).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(WebSlice.page(answer).selectFirst("[role=alert]")).as(form).isNotNull();
			assertThat(WebSlice.page(answer).select("script")).as(form).isEmpty();
		}
		String email = address();
		for (String name : List.of("n".repeat(101), "two\nlines")) {
			var answer = signUp("email=" + encode(email) + "&name=" + encode(name), client);

			assertThat(answer).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(WebSlice.page(answer).selectFirst("input[name=email]").attr("value")).isEqualTo(email);
		}
		awaitMail(signUpNow(address()));
		assertThat(subscribers.findByEmail(email)).isEmpty();
	}

	@Test
	void aClientPostingTooOftenIsAnswered429WithRetryAfterAndOthersAreNot() {
		String client = client();
		for (int i = 0; i < 3; i++) {
			assertThat(signUp("email=", client)).hasStatus(HttpStatus.BAD_REQUEST);
		}

		var refused = signUp("email=" + encode(address()), client);

		assertThat(refused).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(Long.parseLong(refused.getResponse().getHeader("Retry-After"))).isBetween(1L, 60L);
		assertThat(WebSlice.page(refused).selectFirst("h1").text()).isEqualTo("Too many sign-ups");
		assertThat(signUp("email=", client())).as("another client").hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(signUp("email=", "2001:db8:1:2:aaaa::1")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(signUp("email=", "2001:db8:1:2:bbbb::1")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(signUp("email=", "2001:db8:1:2:cccc::1")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(signUp("email=", "2001:db8:1:2:dddd::1")).as("one /64, one client").hasStatus(HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void aBodyTooLargeIs413AndABodyThatIsNotAFormIs415() {
		var large = mvc.post().uri("/subscribe").header("X-Forwarded-For", client())
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.content("email=" + encode(address()) + "&x=" + "a".repeat(UnsubscribePage.MAX_BODY)).exchange();
		var json = mvc.post().uri("/subscribe").header("X-Forwarded-For", client())
			.contentType(MediaType.APPLICATION_JSON).content("{\"email\":\"" + address() + "\"}").exchange();

		assertThat(large).hasStatus(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(json).hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void aTamperedOrMissingConfirmationTokenIsRefusedWith400AndChangesNothing() throws Exception {
		String email = address();
		signUp("email=" + encode(email), client());
		String link = confirmLink(awaitMail(email));
		String token = link.substring(link.indexOf("token=") + "token=".length());
		String flipped = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");

		for (String target : List.of("/confirm?token=" + flipped, "/confirm?token=", "/confirm", "/confirm?token=%zz")) {
			var post = mvc.post().uri(target).exchange();
			var get = mvc.get().uri(target).exchange();

			assertThat(post).as(target).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(get).as(target).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(WebSlice.page(get).selectFirst("h1").text()).isEqualTo("This confirmation link is not valid");
		}
		assertThat(subscribers.findByEmail(email).orElseThrow().status()).isEqualTo(Subscriber.PENDING);
		assertThat(events.stream(SignUpConfirmed.class)).isEmpty();
	}

	private MvcTestResult signUp(String form, String client) {
		return mvc.post().uri("/subscribe").header("X-Forwarded-For", client)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).content(form).exchange();
	}

	/** Signs {@code email} up from a client of its own and returns it. */
	private String signUpNow(String email) {
		assertThat(signUp("email=" + encode(email), client())).hasStatusOk();
		return email;
	}

	/** The mail to {@code email}, once the sign-up thread has written it to the outbox. */
	private MimeMessage awaitMail(String email) throws Exception {
		long deadline = System.nanoTime() + 20_000_000_000L;
		while (System.nanoTime() < deadline) {
			Optional<MimeMessage> mail = mailTo(email).stream().findFirst();
			if (mail.isPresent()) {
				return mail.get();
			}
			Thread.sleep(20);
		}
		throw new AssertionError("no mail to " + email + " within 20 s");
	}

	private List<MimeMessage> mailTo(String email) throws Exception {
		List<MimeMessage> mails = new java.util.ArrayList<>();
		for (Path file : mailFiles(email)) {
			mails.add(read(file));
		}
		return mails;
	}

	private List<Path> mailFiles(String email) throws Exception {
		Path outbox = dataDir.path().resolve("outbox/sign-up");
		if (!Files.isDirectory(outbox)) {
			return List.of();
		}
		List<Path> found = new java.util.ArrayList<>();
		try (var files = Files.list(outbox)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
				if (read(file).getAllRecipients()[0].toString().contains(email)) {
					found.add(file);
				}
			}
		}
		return found;
	}

	private static MimeMessage read(Path file) throws Exception {
		try (InputStream in = Files.newInputStream(file)) {
			return new MimeMessage(Session.getInstance(new java.util.Properties()), in);
		}
	}

	/** The link of the text part, which the HTML part's button carries too. */
	static String confirmLink(MimeMessage mail) throws Exception {
		var parts = (MimeMultipart) mail.getContent();
		String text = parts.getBodyPart(0).getContent().toString();
		String html = parts.getBodyPart(1).getContent().toString();
		Matcher link = Pattern.compile("https://\\S+/confirm\\?token=[\\w.-]+").matcher(text);
		assertThat(link.find()).as(text).isTrue();
		assertThat(html).contains("href=\"" + link.group() + "\"");
		return link.group();
	}

	private static String address() {
		return "reader-" + UUID.randomUUID() + "@example.org";
	}

	/** A client address no other test uses (one of 16 million private ones). */
	private static String client() {
		var random = ThreadLocalRandom.current();
		return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}
}
