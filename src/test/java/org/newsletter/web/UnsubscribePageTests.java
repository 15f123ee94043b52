package org.newsletter.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;

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
 * {@code /unsubscribe} over Spring MVC with the real {@link UnsubscribeLinks} and the real
 * {@link SubscriberRepository} on an in-memory database ({@link WebSlice}): what each request
 * changed is read back from the table. Each test subscribes addresses of its own.
 */
@WebMvcTest
@Import(WebSlice.class)
@RecordApplicationEvents
class UnsubscribePageTests {

	private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

	@Autowired
	MockMvcTester mvc;

	@Autowired
	UnsubscribeLinks links;

	@Autowired
	SubscriberRepository subscribers;

	@Autowired
	ApplicationEvents events;

	@Test
	void aGetShowsTheConfirmationPageEscapedAndChangesNothing() {
		var reader = subscribe();
		String address = "/unsubscribe?token=" + links.token(reader.id());

		var answer = mvc.get().uri(address).exchange();
		var head = mvc.head().uri(address).exchange();

		assertThat(answer).hasStatusOk().hasHeader("Cache-Control", "no-store");
		assertThat(answer).bodyText()
			.contains(reader.email(), "Tom &amp; Jerry&apos;s &lt;Weekly&gt;")
			.doesNotContain("<Weekly>");
		var form = WebSlice.page(answer).selectFirst("form");
		assertThat(form.attr("method")).isEqualTo("post");
		assertThat(form.attr("action")).isEqualTo(address.substring(1));
		assertThat(form.select("input[name=List-Unsubscribe]").attr("value")).isEqualTo("One-Click");
		assertThat(head).hasStatusOk();
		assertThat(status(reader)).isEqualTo(Subscriber.ACTIVE);
		assertThat(events.stream(Unsubscribed.class)).isEmpty();
	}

	@Test
	void aOneClickPostUnsubscribesAndTellsTheOperatorOnce() {
		var reader = subscribe();
		var other = subscribe();
		String address = "/unsubscribe?token=" + links.token(reader.id());

		var answer = oneClick(address);
		var again = oneClick(address);

		assertThat(answer).hasStatusOk();
		assertThat(WebSlice.page(answer).selectFirst("h1").text()).isEqualTo("You are unsubscribed");
		assertThat(answer).bodyText().contains(reader.email() + " gets no more issues of Tom &amp; Jerry");
		assertThat(status(reader)).isEqualTo(Subscriber.UNSUBSCRIBED);
		assertThat(status(other)).isEqualTo(Subscriber.ACTIVE);
		assertThat(events.stream(Unsubscribed.class)).containsExactly(new Unsubscribed(reader.email()));
		assertThat(again).hasStatusOk().bodyText().contains("You are not subscribed");
	}

	@Test
	void theConfirmationButtonsFormPostsAsWell() {
		var reader = subscribe();
		var form = WebSlice.page(mvc.get().uri("/unsubscribe?token=" + links.token(reader.id())).exchange())
			.selectFirst("form");

		var answer = mvc.post().uri("/" + form.attr("action")).contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.content(form.select("input").attr("name") + "=" + form.select("input").attr("value")).exchange();

		assertThat(answer).hasStatusOk();
		assertThat(status(reader)).isEqualTo(Subscriber.UNSUBSCRIBED);
	}

	@Test
	void aTamperedOrMissingTokenIsRefusedWith400AndChangesNothing() {
		var reader = subscribe();
		var other = subscribe();
		String token = links.token(reader.id());
		String otherToken = links.token(other.id());
		String id = Long.toString(reader.id());
		String flipped = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
		List<String> bad = List.of("/unsubscribe?token=" + flipped,
				"/unsubscribe?token=" + id + otherToken.substring(otherToken.indexOf('.')), "/unsubscribe?token=" + id,
				"/unsubscribe?token=" + id + ".", "/unsubscribe?token=", "/unsubscribe", "/unsubscribe?token=%zz",
				"/unsubscribe?token=-" + token, "/unsubscribe?other=" + token);

		for (String target : bad) {
			var post = raw(mvc.post(), target).contentType(MediaType.APPLICATION_FORM_URLENCODED).content(ONE_CLICK)
				.exchange();
			var get = raw(mvc.get(), target).exchange();

			assertThat(post).as(target).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(get).as(target).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(WebSlice.page(get).selectFirst("h1").text()).isEqualTo("This unsubscribe link is not valid");
		}
		assertThat(status(reader)).isEqualTo(Subscriber.ACTIVE);
		assertThat(status(other)).isEqualTo(Subscriber.ACTIVE);
		assertThat(events.stream(Unsubscribed.class)).isEmpty();
	}

	@Test
	void aValidTokenOfNobodyOnTheListSaysSoAndChangesNothing() {
		var answer = oneClick("/unsubscribe?token=" + links.token(999_999_999L));

		assertThat(answer).hasStatusOk();
		assertThat(WebSlice.page(answer).selectFirst("h1").text()).isEqualTo("You are not subscribed");
		assertThat(events.stream(Unsubscribed.class)).isEmpty();
	}

	@Test
	void aBodyLongerThanAnyFormIsRefusedWith413AndChangesNothing() {
		var reader = subscribe();

		var answer = mvc.post().uri("/unsubscribe?token=" + links.token(reader.id()))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.content(ONE_CLICK + "&x=" + "a".repeat(UnsubscribePage.MAX_BODY)).exchange();

		assertThat(answer).hasStatus(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(status(reader)).isEqualTo(Subscriber.ACTIVE);
	}

	/** A new subscriber with an address no other test uses. */
	private Subscriber subscribe() {
		String email = "reader-" + UUID.randomUUID() + "@example.org";
		subscribers.subscribe(email, "Reader", Instant.parse("2026-03-01T00:00:00Z"));
		return subscribers.findByEmail(email).orElseThrow();
	}

	private String status(Subscriber subscriber) {
		return subscribers.find(subscriber.id()).orElseThrow().status();
	}

	/** The request with its query string as written, so that a malformed escape reaches the page. */
	private static MockMvcTester.MockMvcRequestBuilder raw(MockMvcTester.MockMvcRequestBuilder request, String target) {
		int query = target.indexOf('?');
		return request.uri(query < 0 ? target : target.substring(0, query)).with(built -> {
			built.setQueryString(query < 0 ? null : target.substring(query + 1));
			return built;
		});
	}

	private MvcTestResult oneClick(String address) {
		return mvc.post().uri(address).contentType(MediaType.APPLICATION_FORM_URLENCODED).content(ONE_CLICK).exchange();
	}
}
