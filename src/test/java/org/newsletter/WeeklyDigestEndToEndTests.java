package org.newsletter;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.io.SyndFeedInput;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The weekly digest end to end, as the operator runs it: fixture feeds over a real HTTP
 * server, a real SMTP server (GreenMail), a fresh HSQLDB file database, the command line.
 */
class WeeklyDigestEndToEndTests {

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(planet("march-20"))
		.subscribers("ada@example.org,Ada", "grace@example.org,Grace")
		.with("newsletter.fetch.timeout", "2s");

	@Test
	void twoWeeklyRunsSendExactlyTheExpectedEntriesGroupedAndOrdered() throws Exception {
		writeOpml(List.of());
		List<Map<String, Object>> runs = JsonPath.read(fixture("planet/expected.json").toFile(), "$.runs");

		var first = e2e.cli().run("run", "--cutoff=" + runs.get(0).get("cutoff"));
		assertThat(first.exitCode()).as(first.toString()).isZero();
		assertThat(first.out()).contains("fetch: 21/21 feeds ok", "24 entries eligible from 13 sources",
				"send: 2/2 messages");
		assertDigest(e2e.smtp().getReceivedMessages(), runs.get(0));

		e2e.smtp().purgeEmailFromAllMailboxes();
		e2e.feeds().serve(planet("march-24"));
		var second = e2e.cli().with("newsletter.lateness", runs.get(1).get("lateness")).run("run", "--cutoff=" + runs.get(1).get("cutoff"));
		assertThat(second.exitCode()).as(second.toString()).isZero();
		assertDigest(e2e.smtp().getReceivedMessages(), runs.get(1));
	}

	@Test
	void failingFeedsAreReportedByNameAndTheOthersAreSent() throws Exception {
		e2e.feeds().handle("/missing.xml", exchange -> exchange.sendResponseHeaders(404, -1));
		e2e.feeds().handle("/broken.xml", exchange -> {
			byte[] body = "<rss version=\"2.0\"><channel><title>Broken</title><item><title>x</title>".getBytes();
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		});
		e2e.feeds().handle("/slow.xml", exchange -> {
			try {
				Thread.sleep(6000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.sendResponseHeaders(200, -1);
		});
		writeOpml(List.of(e2e.feeds().url("/missing.xml"), e2e.feeds().url("/broken.xml"), e2e.feeds().url("/slow.xml")));

		var run = e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).contains("fetch: 21/24 feeds ok, 3 failed", "24 entries eligible");
		assertThat(run.out()).containsPattern("failed: .*missing\\.xml.*HTTP 404")
			.containsPattern("failed: .*broken\\.xml.*malformed XML")
			.containsPattern("failed: .*slow\\.xml.*timed out");
		assertThat(e2e.smtp().getReceivedMessages()).hasSize(2);
	}

	@Test
	void theSecondFetchOfAnUnchangedFeedIsConditionalAndTakesThe304() {
		writeOpml(List.of());
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z").exitCode()).isZero();
		e2e.feeds().requests().clear();

		var again = e2e.cli().run("run", "--cutoff=2026-03-22T00:00:00Z");

		assertThat(again.out()).contains("fetch: 21/21 feeds ok");
		assertThat(e2e.feeds().requests()).hasSize(21).allSatisfy(request -> {
			assertThat(request.headers().getFirst("If-None-Match")).startsWith("\"");
			assertThat(request.status()).isEqualTo(304);
		});
		assertThat(again.exitCode()).as("nothing new after all 304s").isEqualTo(3);
	}

	@Test
	void theSameCutoffAfterSuccessIsRefusedAndSendsNothing() throws Exception {
		writeOpml(List.of());
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z").exitCode()).isZero();
		e2e.smtp().purgeEmailFromAllMailboxes();

		var again = e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(again.exitCode()).isEqualTo(3);
		assertThat(again.err()).contains("already run");
		assertThat(e2e.smtp().getReceivedMessages()).isEmpty();
	}

	@Test
	void issuesAreNumberedBySentIssuesAndADryRunTakesNoNumber() throws Exception {
		writeOpml(List.of());
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z", "--dry-run").exitCode()).isZero();
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-21T00:00:01Z").exitCode()).isZero();
		assertThat(e2e.smtp().getReceivedMessages()[0].getSubject()).startsWith("Planet Python Weekly #1: ");
		e2e.smtp().purgeEmailFromAllMailboxes();

		e2e.feeds().serve(planet("march-24"));
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-24T08:00:00Z").exitCode()).isZero();

		MimeMessage second = e2e.smtp().getReceivedMessages()[0];
		assertThat(second.getSubject()).startsWith("Planet Python Weekly #2: ");
		assertThat(part(second, "text/html")).contains("Issue #2 · ");
	}

	@Test
	void theMessageCarriesTheBulkMailHeaders() throws Exception {
		writeOpml(List.of());
		assertThat(e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z").exitCode()).isZero();

		MimeMessage message = e2e.smtp().getReceivedMessages()[0];
		assertThat(message.getMessageID()).matches("<issue-\\d+\\.subscriber-\\d+@newsletter\\.example>");
		assertThat(message.getHeader("List-Unsubscribe")[0]).matches("<https://newsletter\\.example/unsubscribe\\?token=\\d+\\.[\\w-]+>");
		assertThat(message.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
		assertThat(message.getHeader("List-Id")[0]).contains("<planet-python-weekly.newsletter.example>");
		assertThat(message.getContentType()).startsWith("multipart/alternative");
		assertThat(message.getSubject()).isEqualTo("Planet Python Weekly #1: acs-nativity: A Python Package for…, and 23 more");
	}

	@Test
	void templatesCanUseEachSubscribersNameAndCsvColumnsWhileTheIssueIsRenderedOnce() throws Exception {
		writeOpml(List.of());
		Path templates = Files.createDirectories(e2e.dataDir().resolve("templates"));
		try (var files = Files.walk(Path.of("templates"))) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Path copy = templates.resolve(Path.of("templates").relativize(file));
				Files.createDirectories(copy.getParent());
				Files.copy(file, copy);
			}
		}
		Path html = templates.resolve("issue.html.ftlh");
		Files.writeString(html, Files.readString(html).replace("${personal.greeting}",
				"${personal.greeting} <span class=\"company\">${personal.attributes.company}</span>"));
		Path text = templates.resolve("issue.txt.ftl");
		Files.writeString(text, Files.readString(text).replace("${personal.greeting}",
				"${personal.greeting} (${personal.name} at ${personal.attributes.company})"));
		Files.writeString(e2e.dataDir().resolve("companies.csv"), "email,Company\nada@example.org,Analytical <Engines> & Co\n");
		assertThat(e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("companies.csv").toString()).exitCode()).isZero();

		var run = e2e.cli().with("newsletter.templates-dir", templates).run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		Map<String, MimeMessage> byRecipient = new java.util.HashMap<>();
		for (MimeMessage message : e2e.smtp().getReceivedMessages()) {
			byRecipient.put(message.getAllRecipients()[0].toString(), message);
		}
		MimeMessage ada = byRecipient.get("Ada <ada@example.org>");
		assertThat(part(ada, "text/plain")).contains("(Ada at Analytical <Engines> & Co)");
		assertThat(part(ada, "text/html")).contains(">Analytical &lt;Engines&gt; &amp; Co</span>");
		MimeMessage grace = byRecipient.get("Grace <grace@example.org>");
		assertThat(part(grace, "text/plain")).contains("(Grace at )").doesNotContain("%%");
		assertThat(part(grace, "text/html")).doesNotContain("%%").doesNotContain("Engines");
	}

	@Test
	void theSubjectTemplateCanUseEachSubscribersNameAndCsvColumns() throws Exception {
		writeOpml(List.of());
		Path templates = Files.createDirectories(e2e.dataDir().resolve("subject-templates"));
		Files.writeString(templates.resolve("subject.ftl"),
				"${personal.greeting} ${issue.title} for ${personal.name} at ${personal.attributes.company}");
		Files.writeString(e2e.dataDir().resolve("companies.csv"),
				"email,name,Company\nada@example.org,Ada,Analytical Engines Société\ngrace@example.org,Grace,\n");
		var imported = e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("companies.csv").toString());
		assertThat(imported.exitCode()).as(imported.toString()).isZero();

		var run = e2e.cli().with("newsletter.templates-dir", templates).run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		Map<String, MimeMessage> byRecipient = new java.util.HashMap<>();
		for (MimeMessage message : e2e.smtp().getReceivedMessages()) {
			byRecipient.put(((jakarta.mail.internet.InternetAddress) message.getAllRecipients()[0]).getAddress(), message);
		}
		MimeMessage ada = byRecipient.get("ada@example.org");
		assertThat(ada.getSubject()).isEqualTo("Hello Ada, Planet Python Weekly for Ada at Analytical Engines Société");
		assertThat(ada.getHeader("Subject")[0]).startsWith("=?UTF-8?").doesNotContain("%%");
		MimeMessage grace = byRecipient.get("grace@example.org");
		assertThat(grace.getSubject()).as("an empty column").isEqualTo("Hello Grace, Planet Python Weekly for Grace at");
	}

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void theArchiveShowsAPersonalSubjectAsAReaderWhoIsNobodyInParticularSeesIt() throws Exception {
		writeOpml(List.of());
		Path templates = Files.createDirectories(e2e.dataDir().resolve("subject-templates"));
		Files.writeString(templates.resolve("subject.ftl"),
				"${personal.greeting} ${personal.attributes.company} ${issue.title}: ${issue.entryCount} new posts");
		Files.writeString(e2e.dataDir().resolve("companies.csv"), "email,name,Company\nada@example.org,Ada,Engines\n");
		assertThat(e2e.cli().run("subscribers", "import", e2e.dataDir().resolve("companies.csv").toString()).exitCode()).isZero();

		var run = e2e.cli().with("newsletter.templates-dir", templates).run("run", "--cutoff=2026-03-21T00:00:00Z");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(e2e.smtp().getReceivedMessages()).extracting(Message::getSubject)
			.contains("Hello Ada, Engines Planet Python Weekly: 24 new posts");
		String index = Files.readString(e2e.dataDir().resolve("archive/index.html"));
		String feed = Files.readString(e2e.dataDir().resolve("archive/feed.xml"));
		assertThat(index).doesNotContain("%%");
		assertThat(feed).doesNotContain("%%");
		assertThat(Jsoup.parse(index).select("li a").eachText()).containsExactly("Hello, Planet Python Weekly: 24 new posts");
		assertThat(new SyndFeedInput().build(new StringReader(feed)).getEntries()).extracting(SyndEntry::getTitle)
			.containsExactly("Hello, Planet Python Weekly: 24 new posts");
		assertThat(Files.readString(e2e.dataDir().resolve("archive/2026-03-21/index.html"))).doesNotContain("%%");
	}

	/** Each subscriber got one message whose both parts carry exactly the expected groups, in order. */
	@SuppressWarnings("unchecked")
	static void assertDigest(MimeMessage[] received, Map<String, Object> run) throws Exception {
		var expected = new LinkedHashMap<String, List<String>>();
		for (Map<String, Object> group : (List<Map<String, Object>>) run.get("digest")) {
			expected.put((String) group.get("source"), ((List<Map<String, Object>>) group.get("entries")).stream()
				.map(entry -> (String) entry.get("title"))
				.toList());
		}
		assertThat(received).hasSize(2);
		assertThat(List.of(received[0].getAllRecipients()[0].toString(), received[1].getAllRecipients()[0].toString()))
			.containsExactlyInAnyOrder("Ada <ada@example.org>", "Grace <grace@example.org>");
		for (MimeMessage message : received) {
			assertThat(htmlDigest(part(message, "text/html"))).containsExactlyEntriesOf(expected);
			assertTextInOrder(part(message, "text/plain"), expected);
		}
	}

	private static Map<String, List<String>> htmlDigest(String html) {
		var digest = new LinkedHashMap<String, List<String>>();
		for (Element source : Jsoup.parse(html).select("td.source")) {
			digest.put(source.selectFirst("h2").text(), source.select("h3").eachText());
		}
		return digest;
	}

	private static void assertTextInOrder(String text, Map<String, List<String>> expected) {
		String flat = text.replaceAll("\\s+", " ");
		List<String> inOrder = new ArrayList<>();
		expected.forEach((source, titles) -> {
			inOrder.add("== " + source + " ==");
			titles.forEach(title -> inOrder.add("* " + title));
		});
		int at = 0;
		for (String piece : inOrder) {
			int found = flat.indexOf(piece, at);
			assertThat(found).as("'%s' in order in the text part", piece).isGreaterThanOrEqualTo(0);
			at = found + piece.length();
		}
		int entries = expected.values().stream().mapToInt(List::size).sum();
		assertThat(text.lines().filter(line -> line.startsWith("* "))).hasSize(entries);
		assertThat(text).doesNotContain("<p>", "<a ", "&amp;");
	}

	static String part(Message message, String type) throws IOException, MessagingException {
		var multipart = (MimeMultipart) message.getContent();
		for (int i = 0; i < multipart.getCount(); i++) {
			BodyPart part = multipart.getBodyPart(i);
			if (part.isMimeType(type)) {
				return (String) part.getContent();
			}
		}
		throw new AssertionError("no " + type + " part");
	}

	private void writeOpml(List<String> extraUrls) {
		try {
			List<Map<String, Object>> manifest = JsonPath.read(fixture("planet/manifest.json").toFile(), "$.feeds");
			var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
			for (Map<String, Object> feed : manifest) {
				String file = ((String) feed.get("file")).replace("feeds/", "");
				opml.append("<outline text=\"").append(xml((String) feed.get("source"))).append("\" xmlUrl=\"")
					.append(e2e.feeds().url("/feeds/" + file)).append("\"/>\n");
			}
			extraUrls.forEach(url -> opml.append("<outline text=\"").append(url.substring(url.lastIndexOf('/') + 1))
				.append("\" xmlUrl=\"").append(url).append("\"/>\n"));
			Files.writeString(e2e.dataDir().resolve("feeds.opml"), opml.append("</body></opml>\n"));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static String xml(String text) {
		return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
	}

	static Path planet(String snapshot) {
		return EndToEnd.planet(snapshot);
	}

	static Path fixture(String path) {
		return EndToEnd.fixture(path);
	}
}
