package org.newsletter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code preview}: the next issue rendered to a folder, as the operator runs it, against fixture
 * feeds over HTTP and a real SMTP server that must receive nothing.
 */
class PreviewEndToEndTests {

	private static final String CUTOFF = "--cutoff=2026-03-21T00:00:00Z";

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(EndToEnd.planet("march-20")).subscribers("ada@example.org,Ada", "grace@example.org,Grace");

	@TempDir
	Path outDir;

	@Test
	void previewWritesThePagesAndASampleMessageAndRecordsNothing() throws Exception {
		var preview = e2e.cli().run("preview", CUTOFF, "--out=" + outDir);

		assertThat(preview.exitCode()).as(preview.toString()).isZero();
		assertThat(preview.out()).contains("nothing is recorded or sent", "fetch: 21/21 feeds ok",
				"24 entries eligible from 13 sources", outDir.resolve("sample.eml").toString(), "for ada@example.org");
		MimeMessage sample = readEml(outDir.resolve("sample.eml"));
		assertThat(sample.getAllRecipients()[0].toString()).isEqualTo("Ada <ada@example.org>");
		assertThat(sample.getHeader("List-Unsubscribe")[0]).matches("<https://newsletter\\.example/unsubscribe\\?token=1\\.[\\w-]+>");
		assertThat(part(sample, "text/html")).isEqualToNormalizingNewlines(Files.readString(outDir.resolve("index.html")))
			.contains("Hello Ada,");
		assertThat(part(sample, "text/plain")).isEqualToNormalizingNewlines(Files.readString(outDir.resolve("issue.txt")));
		assertThat(links(Files.readString(outDir.resolve("index.html")))).hasSizeGreaterThan(24);

		assertThat(e2e.smtp().getReceivedMessages()).isEmpty();
		assertThat(e2e.cli().run("status").out()).contains("No runs yet");
		assertThat(e2e.dataDir().resolve("archive")).doesNotExist();
		assertThat(e2e.dataDir().resolve("outbox")).doesNotExist();
	}

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void aPersonalSubjectIsShownGeneralAndTheSampleHasItsReadersOwn() throws Exception {
		Path templates = Files.createDirectories(e2e.dataDir().resolve("subject-templates"));
		Files.writeString(templates.resolve("subject.ftl"),
				"${personal.greeting} ${personal.attributes.company} ${issue.title}: ${issue.entryCount} new posts");
		Files.writeString(e2e.dataDir().resolve("companies.csv"), "email,name,Company\nada@example.org,Ada,Engines\n");
		assertThat(e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("companies.csv").toString()).exitCode()).isZero();

		var preview = e2e.cli().with("newsletter.templates-dir", templates).run("preview", CUTOFF, "--out=" + outDir);

		assertThat(preview.exitCode()).as(preview.toString()).isZero();
		assertThat(preview.out() + preview.err()).doesNotContain("%%");
		assertThat(preview.out()).containsPattern("subject +Hello, Planet Python Weekly: 24 new posts\\R");
		assertThat(readEml(outDir.resolve("sample.eml")).getSubject())
			.isEqualTo("Hello Ada, Engines Planet Python Weekly: 24 new posts");
		try (var files = Files.list(outDir)) {
			assertThat(files).hasSize(3).allSatisfy(file -> assertThat(Files.readString(file)).doesNotContain("%%"));
		}
	}

	@Test
	void aRunAfterThePreviewFetchesAfreshAndSendsTheSameEntries() throws Exception {
		assertThat(e2e.cli().run("preview", CUTOFF, "--out=" + outDir).exitCode()).isZero();
		List<String> previewed = links(Files.readString(outDir.resolve("index.html")));
		e2e.feeds().requests().clear();

		var run = e2e.cli().run("run", CUTOFF);

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(e2e.feeds().requests()).as("no validators were kept by the preview").hasSize(21)
			.allSatisfy(request -> assertThat(request.headers().getFirst("If-None-Match")).isNull());
		assertThat(e2e.smtp().getReceivedMessages()).hasSize(2).allSatisfy(message ->
				assertThat(links(part(message, "text/html"))).isEqualTo(previewed));
	}

	@Test
	void withoutActiveSubscribersTheSampleIsForAPlaceholderReader() throws Exception {
		e2e.cli().run("subscribers", "remove", "ada@example.org");
		e2e.cli().run("subscribers", "remove", "grace@example.org");

		var preview = e2e.cli().run("preview", CUTOFF, "--out=" + outDir);

		assertThat(preview.exitCode()).as(preview.toString()).isZero();
		assertThat(readEml(outDir.resolve("sample.eml")).getAllRecipients()[0].toString())
			.isEqualTo("Reader <reader@example.invalid>");
		assertThat(Files.readString(outDir.resolve("issue.txt"))).contains("Hello Reader,");
	}

	@Test
	void withoutFetchingOnlyStoredEntriesCountAndNoFeedIsAsked() {
		var preview = e2e.cli().run("preview", CUTOFF, "--out=" + outDir, "--no-fetch");

		assertThat(preview.exitCode()).as(preview.toString()).isEqualTo(3);
		assertThat(preview.out()).contains("Nothing to preview: 0 entries eligible").doesNotContain("fetch:");
		assertThat(e2e.feeds().requests()).isEmpty();
		assertThat(outDir.resolve("index.html")).doesNotExist();
	}

	@Test
	void openWithoutADesktopPrintsThePageAddress() {
		var preview = e2e.cli().run("preview", CUTOFF, "--out=" + outDir, "--open");

		assertThat(preview.exitCode()).as(preview.toString()).isZero();
		assertThat(preview.out()).contains(outDir.resolve("index.html").toUri().toString());
	}

	@Test
	void previewingACutoffAlreadySentSaysSo() {
		assertThat(e2e.cli().run("run", CUTOFF).exitCode()).isZero();

		var preview = e2e.cli().run("preview", CUTOFF, "--out=" + outDir);

		assertThat(preview.err()).contains("was already run");
		assertThat(preview.exitCode()).isEqualTo(3);
	}

	/**
	 * The links of an HTML part in order (sources, entries, the archive), less the personal
	 * unsubscribe link and in-page anchors (named after feed ids, which a rolled-back preview
	 * uses up): what is the same for every reader, whatever the template's layout.
	 */
	static List<String> links(String html) {
		return Jsoup.parse(html)
			.select("a[href]")
			.eachAttr("href")
			.stream()
			.filter(href -> !href.startsWith("#") && !href.contains("/unsubscribe"))
			.toList();
	}

	static MimeMessage readEml(Path file) throws Exception {
		try (InputStream in = Files.newInputStream(file)) {
			return new MimeMessage(Session.getInstance(new java.util.Properties()), in);
		}
	}

	static String part(MimeMessage message, String type) {
		try {
			var multipart = (MimeMultipart) message.getContent();
			for (int i = 0; i < multipart.getCount(); i++) {
				BodyPart part = multipart.getBodyPart(i);
				if (part.isMimeType(type)) {
					return new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				}
			}
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		throw new AssertionError("no " + type + " part");
	}
}
