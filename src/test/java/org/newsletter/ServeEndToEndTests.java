package org.newsletter;

import java.io.IOException;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.io.SyndFeedInput;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} end to end over real HTTP: two issues sent to the outbox, then the command
 * started as its own process, as the operator starts it, and asked what a browser, a feed
 * reader, a mail provider's one-click request and an attacker would ask. What changed is read
 * back from the database with {@code subscribers list}, beside the running service.
 * <p>
 * The tests share the one service and run in any order: none changes what another reads. Ada
 * and Grace are only looked at; the tests that unsubscribe have subscribers of their own
 * ({@link #ONE_CLICK}, {@link #SLOW}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeEndToEndTests {

	private static final String SECRET = "TOP-SECRET-" + System.nanoTime();

	/** Escaping is proved on the newsletter's title, which serve shows on its pages. */
	private static final String TITLE = "Tom & Jerry's <Weekly>";

	/** Short, so the test sees slow clients cut off; few threads, so it sees them given back. */
	private static final int REQUEST_TIMEOUT_SECONDS = 3;

	/** Fewer than the slow bodies of both rounds of the slow-client test together. */
	private static final int THREADS = 60;

	/** Unsubscribed by the one-click test, and by no other. */
	private static final String ONE_CLICK = "lin@example.org";

	/** Unsubscribed by the slow-client test, and by no other. */
	private static final String SLOW = "barbara@example.org";

	@TempDir
	static Path dataDir;

	FeedServer feeds;

	Cli cli;

	CliProcess serve;

	URI url;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@BeforeAll
	void sendTwoIssuesAndStartServe() throws Exception {
		feeds = new FeedServer(WeeklyDigestEndToEndTests.planet("march-20"));
		var opml = new StringBuilder("<opml version=\"2.0\"><body>\n");
		try (var files = Files.list(WeeklyDigestEndToEndTests.planet("march-20"))) {
			files.sorted().forEach(f -> opml.append("<outline xmlUrl=\"").append(feeds.url("/feeds/" + f.getFileName())).append("\"/>\n"));
		}
		Files.writeString(dataDir.resolve("feeds.opml"), opml.append("</body></opml>\n"));
		Files.writeString(dataDir.resolve("subscribers.csv"), "email,name\nada@example.org,Ada\ngrace@example.org,Grace\n"
				+ ONE_CLICK + ",Lin\n" + SLOW + ",Barbara\n");
		Files.writeString(dataDir.resolve("secret.txt"), SECRET);
		cli = new Cli(dataDir);
		assertThat(cli.run("subscribers", "import", dataDir.resolve("subscribers.csv").toString()).exitCode()).isZero();
		var first = cli.run("run", "--cutoff=2026-03-21T00:00:00Z");
		assertThat(first.exitCode()).as(first.toString()).isZero();
		feeds.serve(WeeklyDigestEndToEndTests.planet("march-24"));
		var second = cli.run("run", "--cutoff=2026-03-24T08:00:00Z");
		assertThat(second.exitCode()).as(second.toString()).isZero();

		serve = CliProcess.start(dataDir, "serve", "--port=0", "--newsletter.data-dir=" + dataDir,
				"--newsletter.feeds=" + dataDir.resolve("feeds.opml"), "--newsletter.title=" + TITLE,
				"--newsletter.serve.request-timeout=" + REQUEST_TIMEOUT_SECONDS + "s", "--newsletter.serve.threads=" + THREADS);
		url = awaitUrl(serve);
	}

	@AfterAll
	void stop() throws InterruptedException {
		if (serve != null && serve.isAlive()) {
			serve.kill();
		}
		feeds.close();
	}

	@Test
	void theArchiveIndexListsEverySentIssueNewestFirst() throws Exception {
		var root = get("");
		assertThat(root.statusCode()).isEqualTo(302);
		assertThat(root.headers().firstValue("Location")).hasValue("/archive/");

		var index = get("archive/");

		assertThat(index.statusCode()).isEqualTo(200);
		assertThat(MediaType.parseMediaType(index.headers().firstValue("Content-Type").orElseThrow()))
			.isEqualTo(MediaType.parseMediaType("text/html; charset=utf-8"));
		var page = Jsoup.parse(index.body());
		assertThat(page.select("li a").eachAttr("href")).containsExactly("2026-03-24/index.html", "2026-03-21/index.html");
		assertThat(page.select("li").get(1).text()).contains("Planet Python Weekly #1: ", "2026-03-21", "24 entries");
		var issue = get("archive/2026-03-21/index.html");
		assertThat(issue.statusCode()).isEqualTo(200);
		assertThat(issue.body()).contains("https://newsletter.example/archive/2026-03-21/");
		assertThat(get("archive/2026-03-21").headers().firstValue("Location")).hasValue("/archive/2026-03-21/");
		assertThat(get("archive/2026-03-21/").body()).isEqualTo(issue.body());
	}

	@Test
	void theAtomFeedListsTheIssuesWithLinksUnderTheBaseUrl() throws Exception {
		var response = get("archive/feed.xml");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(MediaType.parseMediaType(response.headers().firstValue("Content-Type").orElseThrow()))
			.isEqualTo(MediaType.parseMediaType("application/atom+xml; charset=utf-8"));
		var feed = new SyndFeedInput().build(new StringReader(response.body()));
		assertThat(feed.getFeedType()).isEqualTo("atom_1.0");
		assertThat(feed.getEntries()).extracting(SyndEntry::getLink)
			.containsExactly("https://newsletter.example/archive/2026-03-24/", "https://newsletter.example/archive/2026-03-21/");
		assertThat(feed.getEntries().get(1).getTitle()).startsWith("Planet Python Weekly #1: ");
	}

	@Test
	void pathTraversalIsRefusedInEveryEncoding() throws Exception {
		List<String> attacks = List.of("/archive/../secret.txt", "/archive/%2e%2e/secret.txt", "/archive/%2E%2E/secret.txt",
				"/archive/..%2fsecret.txt", "/archive/%2e%2e%2fsecret.txt", "/archive/..%5csecret.txt",
				"/archive/..\\secret.txt", "/archive/%252e%252e/secret.txt", "/archive/%c0%ae%c0%ae/secret.txt",
				"/archive/2026-03-21/../../secret.txt", "/archive/./../secret.txt", "/archive//secret.txt",
				"/archive/%00/../secret.txt", "/%2e%2e/secret.txt", "/../secret.txt", "/archive/.%2e/secret.txt",
				"/archive/" + "%2e%2e/".repeat(6) + "etc/passwd", "http://127.0.0.1/archive/../secret.txt",
				"/archive/..%2f..%2fnewsletter.lock", "/archive/%2e%2e/db/newsletter.script");
		for (String attack : attacks) {
			String answer = raw("GET", attack, "");
			assertThat(status(answer)).as(attack).isIn(400, 404);
			assertThat(answer).as(attack).doesNotContain(SECRET, "CREATE SCHEMA", "SET DATABASE");
		}
	}

	@Test
	void aGetShowsTheConfirmationPageEscapedAndChangesNothing() throws Exception {
		var page = get(path(unsubscribeUrl("ada@example.org")));

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(page.body()).contains("ada@example.org", "Tom &amp; Jerry&apos;s &lt;Weekly&gt;").doesNotContain("<Weekly>");
		var form = Jsoup.parse(page.body()).selectFirst("form");
		assertThat(form.attr("method")).isEqualTo("post");
		assertThat(url.resolve(form.attr("action")).toString()).isEqualTo(url + path(unsubscribeUrl("ada@example.org")));
		assertThat(form.select("input[name=List-Unsubscribe]").attr("value")).isEqualTo("One-Click");
		assertThat(status(raw("HEAD", "/" + path(unsubscribeUrl("grace@example.org")), ""))).isEqualTo(200);
	}

	@Test
	void aTamperedOrMissingTokenIsRefusedWith400() throws Exception {
		String grace = tokenOf(unsubscribeUrl("grace@example.org"));
		String ada = tokenOf(unsubscribeUrl("ada@example.org"));
		String graceId = grace.substring(0, grace.indexOf('.'));
		String flipped = grace.substring(0, grace.length() - 1) + (grace.endsWith("A") ? "B" : "A");
		List<String> bad = List.of("unsubscribe?token=" + flipped, "unsubscribe?token=" + graceId + ada.substring(ada.indexOf('.')),
				"unsubscribe?token=" + graceId, "unsubscribe?token=", "unsubscribe", "unsubscribe?token=%zz");

		for (String target : bad) {
			assertThat(status(raw("POST", "/" + target, "List-Unsubscribe=One-Click"))).as(target).isEqualTo(400);
			assertThat(status(raw("GET", "/" + target, ""))).as(target).isEqualTo(400);
		}
	}

	@Test
	@Timeout(120)
	void aOneClickPostUnsubscribesAndTheDatabaseShowsOnlyThat() throws Exception {
		var response = post(path(unsubscribeUrl(ONE_CLICK)), "List-Unsubscribe=One-Click");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Jsoup.parse(response.body()).selectFirst("h1").text()).isEqualTo("You are unsubscribed");
		assertThat(serve.out()).contains("unsubscribed: " + ONE_CLICK);
		var again = post(path(unsubscribeUrl(ONE_CLICK)), "List-Unsubscribe=One-Click");
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(again.body()).contains("You are not subscribed");

		// read back beside the service, through it, as an operator would; no other test changes these
		var list = cli.run("subscribers", "list");

		assertThat(list.exitCode()).as(list.toString()).isZero();
		assertThat(list.out()).containsPattern("unsubscribed +" + Pattern.quote(ONE_CLICK))
			.containsPattern("active +grace@example\\.org")
			.containsPattern("active +ada@example\\.org");
	}

	@Test
	@Timeout(20)
	void aBodyLongerThanAnyFormIsRefusedWithoutWaitingForIt() throws Exception {
		// 100 MB announced, 17 bytes sent: the answer must not wait for the rest.
		try (var socket = new Socket(url.getHost(), url.getPort())) {
			socket.setSoTimeout(5_000);
			socket.getOutputStream().write(("POST /" + path(unsubscribeUrl("ada@example.org")) + " HTTP/1.1\r\nHost: "
					+ url.getAuthority() + "\r\nContent-Length: 100000000\r\n\r\nList-Unsubscribe=")
				.getBytes(StandardCharsets.ISO_8859_1));

			assertThat(status(new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))).isEqualTo(413);
		}
	}

	/**
	 * Slow-loris: 50 clients trickling request headers and 20 trickling an unsubscribe body, one
	 * byte a second (Tomcat reads headers without a thread; a body being read holds one); a
	 * browser and a mail provider are answered at once all the same. The slow ones are cut off
	 * after the request timeout, though each byte comes within Tomcat's per-read timeout, and
	 * their threads come back: 50 slow bodies then fit beside the two prompt requests (had the
	 * first 20 kept their threads, 70 would not fit in 60 and the prompt requests would wait).
	 */
	@Test
	@Timeout(40)
	void slowClientsDelayNoOtherRequestAndAreCutOffAfterTheRequestTimeout() throws Exception {
		String unsubscribe = "/" + path(unsubscribeUrl(SLOW));
		String slowHeaders = "GET /archive/ HTTP/1.1\r\nHost: " + url.getAuthority() + "\r\nX-Slow: ";
		String slowBody = "POST " + unsubscribe + " HTTP/1.1\r\nHost: " + url.getAuthority()
				+ "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nList-Unsubscribe=";
		long started = System.nanoTime();
		try (var slow = new SlowClients(url).open(50, slowHeaders).open(20, slowBody)) {
			Thread.sleep(1000);

			assertAnsweredPromptly(HttpRequest.newBuilder(url.resolve("archive/")).GET());
			assertAnsweredPromptly(oneClick(unsubscribe));
			assertThat(slow.disconnected()).as("slow clients cut off before the request timeout").isZero();

			while (slow.disconnected() < slow.size()) {
				Thread.sleep(200);
			}
			assertThat(Duration.ofNanos(System.nanoTime() - started))
				.isBetween(Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS), Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS + 4));
		}
		try (var again = new SlowClients(url).open(20, slowHeaders).open(50, slowBody)) {
			Thread.sleep(1000);

			assertAnsweredPromptly(HttpRequest.newBuilder(url.resolve("archive/")).GET());
			assertAnsweredPromptly(oneClick(unsubscribe));
			assertThat(again.disconnected()).isZero();
		}
	}

	private HttpRequest.Builder oneClick(String target) {
		return HttpRequest.newBuilder(url.resolve(target.substring(1)))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"));
	}

	private void assertAnsweredPromptly(HttpRequest.Builder request) throws Exception {
		long started = System.nanoTime();
		var response = http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	@Timeout(20)
	void aHugeHeaderIsRefusedAtOnce() throws Exception {
		String answer = raw("GET", "/archive/", "", "X-Huge: " + "a".repeat(100_000) + "\r\n");

		assertThat(status(answer)).isIn(400, 431);
		assertThat(answer).doesNotContainIgnoringCase("exception").doesNotContain("Tomcat/", "at org.");
	}

	@Test
	void everyAnswerForbidsSniffingAndPagesCarryAContentSecurityPolicyWithoutScripts() throws Exception {
		for (String target : List.of("", "archive/", "archive/2026-03-21/", "archive/feed.xml", "archive/nothing-here",
				path(unsubscribeUrl("grace@example.org")), "unsubscribe?token=x", "actuator/health")) {
			var response = get(target);

			assertThat(response.headers().firstValue("X-Content-Type-Options")).as(target).hasValue("nosniff");
			assertThat(response.headers().firstValue("Content-Security-Policy")).as(target).isPresent()
				.get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
				.contains("default-src 'none'", "frame-ancestors 'none'").doesNotContain("script-src", "'unsafe-eval'");
		}
		assertThat(get("archive/2026-03-21/").headers().firstValue("Content-Security-Policy").orElseThrow())
			.contains("img-src http: https: data:", "style-src 'unsafe-inline'");
		assertThat(get(path(unsubscribeUrl("grace@example.org"))).headers().firstValue("Content-Security-Policy").orElseThrow())
			.contains("form-action 'self'").doesNotContain("img-src");
	}

	@Test
	void errorsAreOurOwnPagesWithoutStackTraceOrClassNames() throws Exception {
		var notFound = get("no/such/page");
		var wrongMethod = http.send(HttpRequest.newBuilder(url.resolve("archive/")).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		var unparsable = raw("POST", "/" + path(unsubscribeUrl("grace@example.org")), "x",
				"Transfer-Encoding: chunked\r\n");

		assertThat(notFound.statusCode()).isEqualTo(404);
		assertThat(Jsoup.parse(notFound.body()).selectFirst("h1").text()).isEqualTo("Not found");
		assertThat(wrongMethod.statusCode()).isEqualTo(405);
		assertThat(Jsoup.parse(wrongMethod.body()).selectFirst("h1").text()).isEqualTo("Method not allowed");
		assertThat(status(unparsable)).isIn(400, 500);
		for (String body : List.of(notFound.body(), wrongMethod.body(), unparsable)) {
			assertThat(body).doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("whitelabel")
				.doesNotContain("at org.", "org.springframework", "org.apache", "Tomcat/", "\"trace\"");
		}
	}

	@Test
	void healthAnswersUpWithTheDatabaseAndNothingElseOfActuatorIsThere() throws Exception {
		var health = get("actuator/health");

		assertThat(health.statusCode()).isEqualTo(200);
		var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health.body());
		assertThat(json.path("status").asText()).isEqualTo("UP");
		assertThat(json.path("components").path("db").path("status").asText()).isEqualTo("UP");
		for (String other : List.of("actuator", "actuator/", "actuator/env", "actuator/beans", "actuator/info",
				"actuator/metrics", "actuator/shutdown", "actuator/heapdump", "actuator/loggers", "actuator/mappings")) {
			assertThat(get(other).statusCode()).as(other).isEqualTo(404);
		}
		assertThat(http.send(HttpRequest.newBuilder(url.resolve("actuator/shutdown")).POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(404, 405);
	}

	@Test
	@Timeout(120)
	void aPortInUseOrOutOfRangeIsOneLineAndExitCode2() throws Exception {
		var outOfRange = cli.run("serve", "--port=70000");
		assertThat(outOfRange.exitCode()).isEqualTo(2);
		assertThat(outOfRange.err().strip()).isEqualTo("newsletter: --port must be between 0 and 65535, not 70000");

		var inUse = new Cli(dataDir.resolve("other")).run("serve", "--port=" + url.getPort());
		assertThat(inUse.exitCode()).as(inUse.toString()).isEqualTo(2);
		assertThat(inUse.err().strip()).isEqualTo("newsletter: cannot listen on port " + url.getPort() + ": it is in use");
	}

	@Test
	@Timeout(120)
	void noOtherCommandStartsAWebServer() throws Exception {
		try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
			// were a web server started, it would listen on this port, already taken, and the command would fail
			var status = new Cli(dataDir.resolve("other")).with("newsletter.serve.port", taken.getLocalPort()).run("status");

			assertThat(status.exitCode()).as(status.toString()).isIn(0, 3);
			assertThat(status.err()).doesNotContain("listen");
			assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
				.noneMatch(name -> name.startsWith("http-nio-"));
		}
	}

	/** The unsubscribe address in the List-Unsubscribe header of the first issue's message to {@code email}. */
	private String unsubscribeUrl(String email) throws Exception {
		try (var files = Files.list(dataDir.resolve("outbox/issue-1"))) {
			for (Path eml : files.toList()) {
				MimeMessage message = PreviewEndToEndTests.readEml(eml);
				if (message.getAllRecipients()[0].toString().contains(email)) {
					Matcher link = Pattern.compile("<(https://newsletter\\.example/unsubscribe\\?token=[^>]+)>")
						.matcher(message.getHeader("List-Unsubscribe")[0]);
					assertThat(link.find()).isTrue();
					return link.group(1);
				}
			}
		}
		throw new AssertionError("no message to " + email);
	}

	/** The part of a base-url address after the base. */
	private static String path(String address) {
		return address.substring("https://newsletter.example/".length());
	}

	private static String tokenOf(String address) {
		return address.substring(address.indexOf("token=") + "token=".length());
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(url.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(url.resolve(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A request written byte for byte, so no client library normalises the path first. */
	private String raw(String method, String target, String body) throws IOException {
		return raw(method, target, body, "Content-Length: " + body.length() + "\r\n");
	}

	/** {@code headers}: each line ending in CRLF. */
	private String raw(String method, String target, String body, String headers) throws IOException {
		try (var socket = new Socket(url.getHost(), url.getPort())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: " + url.getAuthority()
					+ "\r\nConnection: close\r\n" + headers + "\r\n" + body)
				.getBytes(StandardCharsets.ISO_8859_1));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	private static int status(String answer) {
		Matcher line = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(answer);
		return line.find() ? Integer.parseInt(line.group(1)) : -1;
	}

	private static URI awaitUrl(CliProcess process) throws InterruptedException {
		long deadline = System.currentTimeMillis() + 90_000;
		Pattern served = Pattern.compile("Serving (http://\\S+/) ");
		while (System.currentTimeMillis() < deadline) {
			Matcher found = served.matcher(process.out());
			if (found.find()) {
				return URI.create(found.group(1));
			}
			assertThat(process.isAlive()).as("serve ended: " + process.out() + process.err()).isTrue();
			Thread.sleep(50);
		}
		throw new AssertionError("serve printed no address within 90 s: " + process.out() + process.err());
	}
}
