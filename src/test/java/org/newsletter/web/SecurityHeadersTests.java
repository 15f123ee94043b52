package org.newsletter.web;

import java.util.List;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headers on every answer: no sniffing, no referrer, no framing, and a content security
 * policy without scripts, the archive's (images from anywhere) on archived issues and the
 * stricter one on our own pages.
 */
@WebMvcTest
@Import(WebSlice.class)
class SecurityHeadersTests {

	@Autowired
	MockMvcTester mvc;

	@Autowired
	UnsubscribeLinks links;

	@Test
	void everyAnswerForbidsSniffingReferrersFramingAndScripts() {
		for (String target : List.of("/", "/archive", "/archive/", "/archive/2026-03-21/", "/archive/feed.xml",
				"/archive/nothing-here", "/archive/../secret.txt", "/unsubscribe?token=" + links.token(1),
				"/unsubscribe?token=x", "/no/such/page")) {
			var answer = mvc.get().uri(target).exchange();

			assertThat(answer).as(target)
				.hasHeader("X-Content-Type-Options", "nosniff")
				.hasHeader("Referrer-Policy", "no-referrer")
				.hasHeader("X-Frame-Options", "DENY");
			assertThat(policy(answer)).as(target)
				.contains("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'")
				.doesNotContain("script-src", "'unsafe-eval'");
		}
	}

	@Test
	void archivedIssuesMayShowImagesFromAnywhereAndPostNowhere() {
		for (String target : List.of("/archive/", "/archive/2026-03-21/", "/archive/2026-03-21/index.html")) {
			assertThat(policy(mvc.get().uri(target).exchange())).as(target)
				.contains("img-src http: https: data:", "style-src 'unsafe-inline'", "form-action 'none'");
		}
	}

	@Test
	void ourOwnPagesShowNoImagesAndPostOnlyHere() {
		for (String target : List.of("/unsubscribe?token=" + links.token(1), "/unsubscribe", "/archive")) {
			assertThat(policy(mvc.get().uri(target).exchange())).as(target)
				.contains("form-action 'self'", "style-src 'unsafe-inline'")
				.doesNotContain("img-src");
		}
	}

	@Test
	void underABaseUrlWithAPathTheArchiveIsToldApartAllTheSame() {
		assertThat(policy(mvc.get().uri("/news/archive/").contextPath("/news").exchange())).contains("img-src");
		assertThat(policy(mvc.get().uri("/news/unsubscribe").contextPath("/news").exchange())).doesNotContain("img-src");
	}

	@Test
	void errorPagesCarryThemToo() {
		// as Tomcat forwards a failed request to /error: the filter runs again on that dispatch
		var answer = mvc.get().uri("/error")
			.requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 400)
			.requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/unsubscribe")
			.exchange();

		assertThat(answer).hasStatus(400).hasHeader("X-Content-Type-Options", "nosniff");
		assertThat(policy(answer)).contains("default-src 'none'").doesNotContain("script-src");
	}

	private static String policy(MvcTestResult answer) {
		String policy = answer.getResponse().getHeader("Content-Security-Policy");
		assertThat(policy).isNotNull();
		return policy;
	}
}
