package org.newsletter.web;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error pages. MockMvc has no servlet container to forward a failed request to
 * {@code /error}, so each test makes the request Tomcat makes then: {@code /error} with the
 * error attributes set, an exception with a telling message among them (that Tomcat forwards
 * at all is {@code ServeEndToEndTests}'s part).
 */
@WebMvcTest
@Import(WebSlice.class)
class ErrorPagesTests {

	private static final Map<Integer, String> TITLES = Map.of(400, "Bad request", 403, "Request refused", 404,
			"Not found", 405, "Method not allowed", 413, "Request too large", 500, "Something went wrong", 503,
			"Something went wrong");

	@Autowired
	MockMvcTester mvc;

	@Test
	void everyErrorIsOurPageWithItsStatusAndASentence() {
		TITLES.forEach((status, title) -> {
			var answer = error(status);

			assertThat(answer).as("%d", status).hasStatus(status).hasHeader("Cache-Control", "no-store");
			assertThat(answer).contentType().isEqualTo(MediaType.parseMediaType("text/html;charset=utf-8"));
			var page = WebSlice.page(answer);
			assertThat(page.selectFirst("h1").text()).as("%d", status).isEqualTo(title);
			assertThat(page.title()).isEqualTo(title);
			assertThat(page.selectFirst("p").text()).as("%d", status).isNotBlank();
		});
	}

	@Test
	void noErrorShowsTheExceptionItsMessageOrAStackTrace() {
		TITLES.keySet().forEach(status -> assertThat(error(status)).as("%d", status).bodyText()
			.doesNotContainIgnoringCase("exception")
			.doesNotContainIgnoringCase("whitelabel")
			.doesNotContain("disk full at /var/secret", "at org.", "org.springframework", "org.newsletter", "Tomcat",
					"\"trace\"", "\"status\""));
	}

	@Test
	void theyAreInTheSiteStyleAndLanguageAndLeadBackToTheIssues() {
		var page = WebSlice.page(error(404));

		assertThat(page.selectFirst("html").attr("lang")).isEqualTo("en");
		assertThat(page.selectFirst("style").data()).contains("font-family: system-ui", "prefers-color-scheme: dark");
		assertThat(page.select("meta[name=robots]").attr("content")).isEqualTo("noindex");
		assertThat(page.select("a").eachAttr("href")).containsExactly("/archive/");
		assertThat(WebSlice.page(error(500)).select("a")).as("a server error sends nowhere").isEmpty();
	}

	@Test
	void underABaseUrlWithAPathTheLinkKeepsIt() {
		var answer = mvc.get().uri("/news/error").contextPath("/news")
			.requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 405)
			.exchange();

		assertThat(WebSlice.page(answer).select("a").eachAttr("href")).containsExactly("/news/archive/");
	}

	@Test
	void withoutAStatusItIsAServerError() {
		var answer = mvc.get().uri("/error").exchange();

		assertThat(answer).hasStatus(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(WebSlice.page(answer).selectFirst("h1").text()).isEqualTo("Something went wrong");
	}

	/** {@code /error} as Tomcat forwards to it after {@code /archive/} failed with {@code status}. */
	private MvcTestResult error(int status) {
		return mvc.get().uri("/error")
			.requestAttr(RequestDispatcher.ERROR_STATUS_CODE, status)
			.requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/archive/")
			.requestAttr(RequestDispatcher.ERROR_MESSAGE, "disk full at /var/secret")
			.requestAttr(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("disk full at /var/secret"))
			.exchange();
	}
}
