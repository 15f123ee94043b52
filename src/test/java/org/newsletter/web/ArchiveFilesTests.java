package org.newsletter.web;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive folder over Spring MVC, without Tomcat in front: a path reaches
 * {@link ArchiveFiles} as the client wrote it, so its own refusal of traversal is what is
 * proved here (Tomcat's normalising comes on top, {@code ServeEndToEndTests}). The folder is
 * real ({@link WebSlice}).
 */
@WebMvcTest
@Import(WebSlice.class)
class ArchiveFilesTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void theRootAndArchiveSendToTheArchiveFolder() {
		assertThat(mvc.get().uri("/").exchange()).hasStatus(HttpStatus.FOUND).hasHeader("Location", "/archive/");
		assertThat(mvc.get().uri("/archive").exchange()).hasStatus(HttpStatus.FOUND).hasHeader("Location", "/archive/");
	}

	@Test
	void underABaseUrlWithAPathTheAddressesKeepIt() {
		assertThat(mvc.get().uri("/news/").contextPath("/news").exchange()).hasHeader("Location", "/news/archive/");
		assertThat(mvc.get().uri("/news/archive/2026-03-21").contextPath("/news").exchange())
			.hasStatus(HttpStatus.MOVED_PERMANENTLY)
			.hasHeader("Location", "/news/archive/2026-03-21/");
		assertThat(mvc.get().uri("/news/archive/").contextPath("/news").exchange()).hasStatusOk()
			.bodyText()
			.isEqualTo(WebSlice.INDEX);
	}

	@Test
	void theIndexIsServedAsUtf8HtmlThatIsRevalidatedEachTime() {
		var index = mvc.get().uri("/archive/").exchange();

		assertThat(index).hasStatusOk().bodyText().isEqualTo(WebSlice.INDEX);
		assertThat(index).contentType().isEqualTo(MediaType.parseMediaType("text/html;charset=utf-8"));
		assertThat(index).hasHeader("Cache-Control", "no-cache").containsHeader("Last-Modified");
		assertThat(mvc.get().uri("/archive/").header("If-Modified-Since", index.getResponse().getHeader("Last-Modified"))
			.exchange()).hasStatus(HttpStatus.NOT_MODIFIED);
	}

	@Test
	void aPageAndTheFeedAreServedWithTheirTypes() {
		var issue = mvc.get().uri("/archive/2026-03-21/index.html").exchange();
		var feed = mvc.get().uri("/archive/feed.xml").exchange();

		assertThat(issue).hasStatusOk().bodyText().isEqualTo(WebSlice.ISSUE);
		assertThat(feed).hasStatusOk().bodyText().isEqualTo(WebSlice.FEED);
		assertThat(feed).contentType().isEqualTo(MediaType.parseMediaType("application/atom+xml;charset=utf-8"));
	}

	@Test
	void aFolderAnswersWithItsIndexAndWithoutItsSlashIsSentToIt() {
		assertThat(mvc.get().uri("/archive/2026-03-21/").exchange()).hasStatusOk().bodyText().isEqualTo(WebSlice.ISSUE);
		assertThat(mvc.get().uri("/archive/2026-03-21").exchange()).hasStatus(HttpStatus.MOVED_PERMANENTLY)
			.hasHeader("Location", "/archive/2026-03-21/");
	}

	@Test
	void aMissingFileIsOur404PageWithALinkToAllIssues() {
		var missing = mvc.get().uri("/archive/2026-01-01/index.html").exchange();

		assertThat(missing).hasStatus(HttpStatus.NOT_FOUND).hasHeader("Cache-Control", "no-store");
		assertThat(missing).contentType().isEqualTo(MediaType.parseMediaType("text/html;charset=utf-8"));
		var page = WebSlice.page(missing);
		assertThat(page.selectFirst("h1").text()).isEqualTo("Not found");
		assertThat(page.select("a").eachAttr("href")).containsExactly("/archive/");
	}

	@Test
	void pathTraversalIsRefusedInEveryEncoding() {
		List<String> attacks = List.of("/archive/../secret.txt", "/archive/%2e%2e/secret.txt", "/archive/%2E%2E/secret.txt",
				"/archive/..%2fsecret.txt", "/archive/%2e%2e%2fsecret.txt", "/archive/..%5csecret.txt",
				"/archive/%252e%252e/secret.txt", "/archive/%c0%ae%c0%ae/secret.txt", "/archive/.%2e/secret.txt",
				"/archive/2026-03-21/../../secret.txt", "/archive/./../secret.txt", "/archive//../secret.txt",
				"/archive/%00/../secret.txt", "/archive/..%00/secret.txt", "/archive/" + "%2e%2e/".repeat(6) + "etc/passwd",
				"/archive/%2e%2e%5c%2e%2e%5csecret.txt", "/archive/..;/secret.txt", "/archive/%2e%2e;x=1/secret.txt");
		for (String attack : attacks) {
			var answer = mvc.get().uri(URI.create(attack)).exchange();

			assertThat(answer).as(attack).hasStatus(HttpStatus.NOT_FOUND).bodyText().doesNotContain(WebSlice.SECRET);
		}
	}

	@Test
	void hiddenFilesFilesBeingWrittenAndLinksOutOfTheFolderAreNotThere() {
		for (String target : List.of("/archive/.hidden.html", "/archive/2026-03-28.part", "/archive/linked.txt",
				"/archive/linked-folder/secret.txt", "/archive/linked-folder/")) {
			var answer = mvc.get().uri(target).exchange();

			assertThat(answer).as(target).hasStatus(HttpStatus.NOT_FOUND).bodyText().doesNotContain(WebSlice.SECRET);
		}
	}
}
