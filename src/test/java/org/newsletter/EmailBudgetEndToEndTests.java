package org.newsletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A big issue end to end (issue 14): 200 entries from 100 feeds over HTTP, sent over SMTP
 * (GreenMail). The HTML part as sent stays within newsletter.email.max-html-bytes with its
 * footer, and every entry is in the email or on the archive page it links to, which holds
 * them all.
 */
class EmailBudgetEndToEndTests {

	private static final String CUTOFF = "--cutoff=2026-03-21T00:00:00Z";

	private static final String ARCHIVE = "https://newsletter.example/archive/2026-03-21/";

	@TempDir
	static Path feedDir;

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(feedDir)
		.feedList(IntStream.rangeClosed(1, 100).mapToObj(source -> "feed-" + source + ".xml").toArray(String[]::new))
		.subscribers("ada@example.org,\"Lovelace, Ada\"");

	@BeforeAll
	static void writeFeeds() throws IOException {
		for (int source = 1; source <= 100; source++) {
			Files.writeString(feedDir.resolve("feed-" + source + ".xml"), feed(source));
		}
	}

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void aTwoHundredEntryIssueIsNeverClippedAndItsArchivePageHoldsEveryEntry() throws Exception {
		var run = e2e.cli().run("run", CUTOFF);

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).contains("200 entries eligible from 100 sources; the email holds ",
				"newsletter.email.max-html-bytes (95,000 bytes as sent");
		MimeMessage message = e2e.smtp().getReceivedMessages()[0];
		MimeBodyPart html = part(message, "text/html");
		assertThat(html.getRawInputStream().readAllBytes().length).as("the HTML part as sent").isLessThan(95_000);
		Document email = Jsoup.parse((String) html.getContent());
		assertThat(email.selectFirst("td.footer").select("a").eachText()).containsExactly("View in browser", "Unsubscribe");
		assertThat(email.selectFirst("td.footer a[href*=unsubscribe]").attr("href"))
			.startsWith("https://newsletter.example/unsubscribe?token=");
		assertThat(email.selectFirst(".greeting").text()).isEqualTo("Hello Ada,");
		assertThat(message.getSubject()).startsWith("Planet Python Weekly #1: ").endsWith(", and 199 more").hasSizeLessThanOrEqualTo(80);

		Document archive = Jsoup.parse(Files.readString(e2e.dataDir().resolve("archive/2026-03-21/index.html")));
		List<String> all = archive.select("td.source h3 a").eachAttr("href");
		assertThat(all).hasSize(200).doesNotHaveDuplicates();
		List<String> inEmail = email.select("td.source h3 a, p.brief a").eachAttr("href");
		assertThat(all).as("every entry in the email, in order, or behind its link to the archive page")
			.startsWith(inEmail.toArray(String[]::new));
		if (inEmail.size() < 200) {
			assertThat(email.select("p.web a").attr("href")).isEqualTo(ARCHIVE);
			assertThat(email.select("p.web").text()).isEqualTo((200 - inEmail.size()) + " more posts in the web version");
		}
		assertThat((String) part(message, "text/plain").getContent()).contains("Unsubscribe with one click:");
	}

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void previewSaysHowManyEntriesWentToTheWebVersion(@TempDir Path out) throws Exception {
		var preview = e2e.cli().with("newsletter.email.max-html-bytes", "40000").run("preview", CUTOFF, "--out=" + out);

		assertThat(preview.exitCode()).as(preview.toString()).isZero();
		assertThat(preview.out()).containsPattern("the email holds \\d+ of 200 entries in full and \\d+ as titles only, "
				+ "[1-9]\\d* only in the web version, to stay within newsletter.email.max-html-bytes \\(40,000 bytes as sent");
		Document page = Jsoup.parse(Files.readString(out.resolve("index.html")));
		assertThat(page.select("p.web a").attr("href")).isEqualTo(ARCHIVE);
		assertThat(Files.readString(out.resolve("issue.txt")).replace("\r\n", "\n")).contains("more posts in the web version:\n" + ARCHIVE);
		assertThat(e2e.smtp().getReceivedMessages()).isEmpty();
	}

	/** An RSS feed of two entries with summaries about as long as a blog's. */
	private static String feed(int source) {
		var items = new StringBuilder();
		for (int i = 1; i <= 2; i++) {
			List<String> words = new ArrayList<>();
			for (int w = 0; w < 70; w++) {
				words.add(w % 12 == 11 ? "sentence" + w + "." : "word" + source + "x" + w);
			}
			items.append("<item><title>Post ").append(i).append(" of source ").append(source)
				.append(": a headline of a usual length</title><link>https://source-").append(source)
				.append(".example/posts/").append(i).append("</link><guid>https://source-").append(source)
				.append(".example/posts/").append(i).append("</guid><pubDate>Fri, 20 Mar 2026 ").append(10 + i)
				.append(":00:00 GMT</pubDate><description>&lt;p&gt;").append(String.join(" ", words))
				.append("&lt;/p&gt;</description></item>\n");
		}
		return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Source " + source + "</title><link>https://source-"
				+ source + ".example/</link><description>d</description>\n" + items + "</channel></rss>\n";
	}

	private static MimeBodyPart part(MimeMessage message, String type) throws Exception {
		var multipart = (MimeMultipart) message.getContent();
		for (int i = 0; i < multipart.getCount(); i++) {
			if (multipart.getBodyPart(i).isMimeType(type)) {
				return (MimeBodyPart) multipart.getBodyPart(i);
			}
		}
		throw new AssertionError("no " + type + " part");
	}
}
