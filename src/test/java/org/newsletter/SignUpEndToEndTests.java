package org.newsletter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.newsletter.EndToEnd.planet;

/**
 * Sign-up (issue 17) end to end: {@code serve} in its own JVM as the operator starts it, asked
 * over real HTTP what a browser (or another site's form) asks, its mail received by GreenMail
 * over SMTP, the list read back with {@code subscribers list} beside it, and {@code run} sending
 * the next issue. Requests come from loopback, as through the reverse proxy the README asks
 * for, each naming its client in {@code X-Forwarded-For}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SignUpEndToEndTests {

	private static final String TITLE = "Planet Python Weekly";

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(planet("march-20")).subscribers("ada@example.org,Ada Lovelace");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<CliProcess> started = new ArrayList<>();

	private int clients;

	@AfterEach
	void stopServices() throws InterruptedException {
		for (CliProcess process : started) {
			if (process.isAlive()) {
				process.kill();
			}
		}
	}

	@Test
	void formThenMailThenConfirmAndTheNextRunSendsToThemButNotToThosePending() throws Exception {
		var service = serve();
		URI base = baseUrl(service);

		Document form = Jsoup.parse(get(base.resolve("subscribe")).body());
		URI action = base.resolve(form.selectFirst("form").attr("action"));
		var answer = post(action, "email=grace%40example.org&name=Grace+Hopper&website=", client());
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(Jsoup.parse(answer.body()).selectFirst("h1").text()).isEqualTo("Check your inbox");
		post(action, "email=pending%40example.org", client());

		MimeMessage mail = awaitMail("grace@example.org", service);
		assertThat(mail.getSubject()).isEqualTo("Confirm your subscription to " + TITLE);
		assertThat(mail.getRecipients(MimeMessage.RecipientType.TO)[0].toString()).isEqualTo("Grace Hopper <grace@example.org>");
		assertThat(isIssue(mail)).as("not the list's mail: no List-Id, no List-Unsubscribe").isFalse();
		assertThat(mail.getHeader("List-Unsubscribe")).isNull();
		var parts = (MimeMultipart) mail.getContent();
		assertThat(parts.getContentType()).startsWith("multipart/alternative");
		assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
		assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
		String link = confirmLink(mail);
		awaitMail("pending@example.org", service);
		assertThat(list("pending")).contains("grace@example.org", "pending@example.org");

		var page = get(local(base, link));
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(list("pending")).as("a GET changes nothing").contains("grace@example.org");
		Document button = Jsoup.parse(page.body());
		var confirmed = post(base.resolve(button.selectFirst("form").attr("action")), "", client());
		assertThat(confirmed.statusCode()).isEqualTo(200);
		assertThat(Jsoup.parse(confirmed.body()).selectFirst("h1").text()).isEqualTo("You are subscribed");
		await(() -> service.out().contains("subscribed: grace@example.org"), service);

		// someone who unsubscribed signs up again: nothing changes until they confirm
		assertThat(beside("subscribers", "remove", "ada@example.org").exitCode()).isZero();
		post(action, "email=ada%40example.org", client());
		String adaLink = confirmLink(awaitMail("ada@example.org", service));
		assertThat(list("unsubscribed")).contains("ada@example.org");
		assertThat(post(local(base, adaLink), "", client()).statusCode()).isEqualTo(200);
		assertThat(list("active")).contains("ada@example.org", "grace@example.org").doesNotContain("pending@example.org");

		var run = beside("run", "--cutoff=2026-03-21T00:00:00Z");
		assertThat(run.exitCode()).as(run.toString()).isZero();

		List<String> issueTo = Arrays.stream(e2e.smtp().getReceivedMessages())
			.filter(SignUpEndToEndTests::isIssue)
			.map(SignUpEndToEndTests::recipient)
			.toList();
		assertThat(issueTo).containsExactlyInAnyOrder("grace@example.org", "ada@example.org");
	}

	@Test
	void aRepeatedSignUpGetsTheSamePageAndAtMostOneMailAnHourEvenAcrossARestartAndAbuseIsHeldOff() throws Exception {
		var service = serve();
		URI subscribe = baseUrl(service).resolve("subscribe");

		var first = post(subscribe, "email=ada%40example.org&name=Ada", client());
		var second = post(subscribe, "email=ada%40example.org&name=Ada", client());
		var unknown = post(subscribe, "email=new%40example.org&name=Ada", client());
		var honeypot = post(subscribe, "email=bot%40example.org&name=Ada&website=http%3A%2F%2Fspam.example", client());

		assertThat(second.body()).isEqualTo(first.body());
		assertThat(second.headers().map()).containsAllEntriesOf(withoutDate(first));
		assertThat(unknown.body().replace("new@example.org", "ada@example.org")).isEqualTo(first.body());
		assertThat(honeypot.body().replace("bot@example.org", "ada@example.org")).isEqualTo(first.body());
		awaitMail("new@example.org", service); // queued after the others: they are handled
		assertThat(mailsTo("ada@example.org")).hasSize(1);
		assertThat(mailsTo("ada@example.org").get(0).getSubject()).isEqualTo("You are already subscribed to " + TITLE);
		assertThat(mailsTo("bot@example.org")).isEmpty();
		assertThat(list(null)).doesNotContain("bot@example.org");

		service.stop();
		service = serve();
		subscribe = baseUrl(service).resolve("subscribe");
		post(subscribe, "email=ada%40example.org", client());
		post(subscribe, "email=new%40example.org", client());
		post(subscribe, "email=after-restart%40example.org", client());
		awaitMail("after-restart@example.org", service);
		assertThat(mailsTo("ada@example.org")).as("the hour's limit survives a restart").hasSize(1);
		assertThat(mailsTo("new@example.org")).hasSize(1);

		// one client, 10 posts in 10 minutes; the 11th is refused, another client is not
		String client = client();
		for (int i = 0; i < 10; i++) {
			assertThat(post(subscribe, "email=not-an-address", client).statusCode()).isEqualTo(400);
		}
		var refused = post(subscribe, "email=late%40example.org", client);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow()).isBetween(1L, 600L);
		assertThat(Jsoup.parse(refused.body()).selectFirst("h1").text()).isEqualTo("Too many sign-ups");
		assertThat(post(subscribe, "email=late%40example.org", client()).statusCode()).isEqualTo(200);
		var tooLong = post(subscribe, "email=" + "a".repeat(250) + "%40example.org", client());
		assertThat(tooLong.statusCode()).isEqualTo(400);
		assertThat(post(subscribe, "email=x%40example.org&x=" + "a".repeat(70_000), client()).statusCode()).isEqualTo(413);
	}

	@Test
	void anExpiredOrTamperedLinkIsRefusedAndThePendingSignUpIsPurged() throws Exception {
		var service = serve("--newsletter.confirm.expiry=3s", "--newsletter.confirm.purge-every=15s");
		URI base = baseUrl(service);
		Instant signedUp = Instant.now();
		post(base.resolve("subscribe"), "email=late%40example.org", client());
		String link = confirmLink(awaitMail("late@example.org", service));
		String token = link.substring(link.indexOf("token=") + "token=".length());
		String flipped = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
		String[] parts = token.split("\\.");
		String later = parts[0] + "." + (Long.parseLong(parts[1]) + 3600) + "." + parts[2];

		for (String bad : List.of(flipped, later, parts[0] + "." + parts[1])) {
			assertThat(post(base.resolve("confirm?token=" + bad), "", client()).statusCode()).as(bad).isEqualTo(400);
		}
		Thread.sleep(Math.max(0, Duration.between(Instant.now(), signedUp.plusSeconds(4)).toMillis()));
		var expired = post(local(base, link), "", client());

		assertThat(expired.statusCode()).isEqualTo(410);
		assertThat(Jsoup.parse(expired.body()).selectFirst("h1").text()).isEqualTo("This confirmation link has expired");
		assertThat(list("pending")).contains("late@example.org");
		await(() -> !list("pending").contains("late@example.org"), service);
		assertThat(list(null)).doesNotContain("late@example.org");
	}

	@Test
	void onPostgresqlASignUpIsMailedOnceConfirmedOnceAndAnUnconfirmedOneIsPurged() throws Exception {
		String missing = PostgresServer.missingFor(getClass());
		Assumptions.assumeTrue(missing == null, missing);
		try (var postgres = PostgresServer.start()) {
			postgres.useNewDatabase(e2e.cli(), "sign_up");
			var service = serve("--newsletter.confirm.expiry=20s", "--newsletter.confirm.purge-every=2s");
			URI base = baseUrl(service);
			post(base.resolve("subscribe"), "email=grace%40example.org&name=Grace", client());
			post(base.resolve("subscribe"), "email=grace%40example.org&name=Grace", client());
			post(base.resolve("subscribe"), "email=never%40example.org", client());
			String link = confirmLink(awaitMail("grace@example.org", service));
			awaitMail("never@example.org", service);
			assertThat(mailsTo("grace@example.org")).hasSize(1);

			assertThat(post(local(base, link), "", client()).statusCode()).isEqualTo(200);
			assertThat(post(local(base, link), "", client()).statusCode()).as("once").isEqualTo(400);

			assertThat(list("active")).contains("grace@example.org");
			assertThat(list("pending")).contains("never@example.org");
			await(() -> !list("pending").contains("never@example.org"), service);
			assertThat(list(null)).contains("grace@example.org").doesNotContain("never@example.org");
			service.stop();
		}
	}

	// --- the service, its pages and its mail

	private CliProcess serve(String... extra) throws Exception {
		List<String> args = new ArrayList<>(List.of("serve", "--port=0"));
		args.addAll(e2e.cli().settings());
		args.addAll(List.of(extra));
		var process = CliProcess.start(e2e.dataDir(), args.toArray(String[]::new));
		started.add(process);
		await(() -> process.out().contains("Every other command works beside it"), process);
		return process;
	}

	private static URI baseUrl(CliProcess service) {
		Matcher serving = Pattern.compile("Serving (http://\\S+/) ").matcher(service.out());
		assertThat(serving.find()).as(service.out()).isTrue();
		return URI.create(serving.group(1));
	}

	/** A link of the base URL ({@code https://newsletter.example/...}) at the service's own address. */
	private static URI local(URI base, String link) {
		return base.resolve(link.substring("https://newsletter.example/".length()));
	}

	private HttpResponse<String> get(URI uri) throws Exception {
		return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(URI uri, String form, String client) throws Exception {
		return http.send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("X-Forwarded-For", client)
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A client address of its own for each request (documentation range, 198.51.100.0/24). */
	private String client() {
		return "198.51.100." + (++clients);
	}

	private static java.util.Map<String, List<String>> withoutDate(HttpResponse<String> response) {
		var headers = new java.util.HashMap<>(response.headers().map());
		headers.remove("date");
		return headers;
	}

	private String list(String status) {
		var list = status == null ? beside("subscribers", "list") : beside("subscribers", "list", "--status=" + status);
		assertThat(list.exitCode()).as(list.toString()).isIn(0, 3);
		return list.out();
	}

	/** A command from another shell, beside the service (in this JVM, through the service's database). */
	private Cli.Result beside(String... command) {
		return e2e.cli().run(command);
	}

	private MimeMessage awaitMail(String email, CliProcess service) throws Exception {
		await(() -> !mailsTo(email).isEmpty(), service);
		return mailsTo(email).get(0);
	}

	private List<MimeMessage> mailsTo(String email) {
		return Arrays.stream(e2e.smtp().getReceivedMessages()).filter(m -> recipient(m).equals(email)).toList();
	}

	/** An issue of the list (a sign-up's mail has no List-Id). */
	private static boolean isIssue(MimeMessage message) {
		try {
			return message.getHeader("List-Id") != null;
		}
		catch (jakarta.mail.MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String recipient(MimeMessage message) {
		try {
			return ((jakarta.mail.internet.InternetAddress) message.getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress();
		}
		catch (jakarta.mail.MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The confirmation link of the text part; the HTML part's button carries the same. */
	private static String confirmLink(MimeMessage mail) throws Exception {
		var parts = (MimeMultipart) mail.getContent();
		String text = parts.getBodyPart(0).getContent().toString();
		Matcher link = Pattern.compile("https://newsletter\\.example/confirm\\?token=[\\w.-]+").matcher(text);
		assertThat(link.find()).as(text).isTrue();
		assertThat(parts.getBodyPart(1).getContent().toString()).contains("href=\"" + link.group() + "\"");
		return link.group();
	}

	private static void await(BooleanSupplier condition, CliProcess process) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("not within 60 s:\n--- out\n" + process.out() + "--- err\n" + process.err());
			}
			Thread.sleep(100);
		}
	}
}
