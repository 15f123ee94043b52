package org.newsletter;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.newsletter.EndToEnd.planet;

/**
 * The operator page of a real {@code serve}, after real runs to GreenMail, read as the operator
 * reads it on a phone: headless Chromium at 375 px driven by Selenium, as the email's layout
 * test does (without Chromium and ChromeDriver the browser tests are skipped, or fail under
 * {@code NEWSLETTER_TESTS_REQUIRE_ALL=1}; {@code NEWSLETTER_SKIP_BROWSER=1} skips them). Signing
 * in is required; the page tells whether the issue went out; a run that failed with the SMTP
 * server down is finished by the page's Restart button once it is back; a preview reaches one
 * address and is recorded nowhere. Screenshots go to {@code target/browser/}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminPageEndToEndTests {

	private static final String PASSWORD = "a long operator password";

	private static final Path SCREENSHOTS = Path.of("target/browser");

	private static ChromeDriver browser;

	/** What this machine lacks for the browser tests, or null. */
	private static String missing;

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(planet("march-20"))
		.subscribers("ada@example.org,Ada Lovelace", "grace@example.org,Grace Hopper", "linus@example.org,Linus")
		.with("newsletter.first-run-lookback", "P3650D")
		.with("newsletter.send.retry.backoff", "50ms");

	private final List<CliProcess> started = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private URI url;

	@BeforeAll
	static void startChromium() throws IOException {
		if ("1".equals(System.getenv("NEWSLETTER_SKIP_BROWSER"))) {
			missing = "NEWSLETTER_SKIP_BROWSER=1";
			return;
		}
		missing = HeadlessChromium.missing(AdminPageEndToEndTests.class);
		if (missing != null) {
			return;
		}
		Files.createDirectories(SCREENSHOTS);
		browser = HeadlessChromium.start();
	}

	@AfterAll
	static void quit() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void aFreshBrowser() {
		if (browser != null) {
			browser.manage().deleteAllCookies();
		}
	}

	@AfterEach
	void stopServices() throws InterruptedException {
		for (CliProcess process : started) {
			if (process.isAlive()) {
				process.kill();
			}
		}
	}

	@Test
	void signingInShowsTheFailedRunOnAPhoneAndRestartFinishesItOnceSmtpIsBack() throws Exception {
		assumeTrue(missing == null, missing);
		serve("--newsletter.admin.password=" + PASSWORD);
		e2e.stopSmtp();
		var failed = e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z");
		assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);

		phone();
		browser.get(url.resolve("admin").toString());
		assertThat(browser.getCurrentUrl()).as("signing in is required").isEqualTo(url.resolve("admin/login").toString());
		signIn("not the password");
		assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText()).isEqualTo("Wrong user name or password.");
		signIn(PASSWORD);

		assertThat(browser.getCurrentUrl()).isEqualTo(url.resolve("admin").toString());
		assertThat(text("#verdict .headline")).isEqualTo("Issue #1 did not go out");
		assertThat(text("#verdict")).contains("The run for 2026-03-21T00:00:00Z ended FAILED", "sent to 0 of 3",
				"SMTP 127.0.0.1:" + e2e.smtpPort());
		assertThat(text("#run-1")).contains("Execution 1", "FAILED", "fetch", "send");
		assertFitsThePhone();
		screenshot("admin-failed-375.png");

		e2e.startSmtp();
		submit(By.cssSelector("#verdict button[type=submit]"));
		await(() -> {
			if (!text("#verdict .headline").equals("Issue #1 went out")) {
				browser.navigate().refresh();
				return false;
			}
			return true;
		}, Duration.ofSeconds(60));

		assertThat(e2e.smtp().getReceivedMessages()).hasSize(3);
		assertThat(text("#verdict")).contains("Sent to 3 of 3");
		assertThat(text("#run-2")).contains("Execution 2", "COMPLETED", "3/0/0");
		assertThat(browser.findElements(By.cssSelector("#run-1 button, #run-2 button"))).as("nothing left to restart").isEmpty();
		assertThat(text("#deliveries")).isNotEmpty();
		assertFitsThePhone();
		screenshot("admin-sent-375.png");
		var csv = signedInGet("admin/deliveries.csv");
		assertThat(csv.statusCode()).isEqualTo(200);
		assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"deliveries-issue-1.csv\"");
		var deliveries = beside("deliveries");
		assertThat(csv.body()).as("the deliveries command's CSV").isEqualTo(deliveries).contains("ada@example.org,");
	}

	@Test
	void aPreviewReachesOneAddressMarkedAsAPreviewAndIsRecordedNowhere() throws Exception {
		assumeTrue(missing == null, missing);
		// the password in the environment of every command, as a shared environment file gives it
		var run = e2e.cli().run("run", "--cutoff=2026-03-21T00:00:00Z", "--newsletter.admin.password=" + PASSWORD);
		assertThat(run.exitCode()).as(run.toString()).isZero();
		serve("--newsletter.admin.password=" + PASSWORD);
		phone();
		browser.get(url.resolve("admin").toString());
		signIn(PASSWORD);
		assertThat(text("#verdict .headline")).isEqualTo("Issue #1 went out");
		assertThat(text("#subscribers")).contains("3\nactive");
		assertFitsThePhone();

		preview("not an address");
		assertThat(text("#notice")).startsWith("No preview sent: 'not an address' is not an email address");
		preview("preview@example.org");
		assertThat(text("#notice")).startsWith("No preview sent: 0 new entries");
		browser.findElement(By.name("sendEmpty")).click();
		preview("preview@example.org");

		assertThat(text("#notice")).startsWith("Preview of the next issue").endsWith("sent to preview@example.org.");
		assertThat(browser.findElement(By.id("notice")).getDomAttribute("class")).contains("ok");
		MimeMessage[] received = e2e.smtp().getReceivedMessages();
		assertThat(received).hasSize(4);
		MimeMessage sent = received[3];
		assertThat(sent.getAllRecipients()[0].toString()).isEqualTo("preview@example.org");
		assertThat(sent.getSubject()).startsWith("[Preview] Planet Python Weekly #2");
		assertThat(sent.getMessageID()).startsWith("<preview-");
		assertThat(beside("status")).contains("3/0/0");
		assertThat(beside("deliveries").lines()).hasSize(4).noneMatch(line -> line.contains("preview@example.org"));
		assertThat(text("#subscribers")).as("nobody subscribed by a preview").contains("3\nactive");
		assertFitsThePhone();
		screenshot("admin-preview-375.png");
	}

	@Test
	void otherAddressesAreAnsweredAsBeforeAndTheSessionCookieStaysUnderAdmin() throws Exception {
		serve("--newsletter.admin.password=" + PASSWORD);

		var oneClick = http.send(HttpRequest.newBuilder(url.resolve("unsubscribe?token=1.forged"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(oneClick.statusCode()).isEqualTo(400);
		assertThat(oneClick.headers().firstValue("Set-Cookie")).isEmpty();
		for (String target : List.of("/archive/..;/secret.txt", "/archive/%2e%2e;x=1/secret.txt", "/archive/a;b")) {
			assertThat(status(raw("GET", target))).as(target + ": our 404, not Spring Security's firewall").isEqualTo(404);
		}
		assertThat(status(raw("GET", "/admin;x=1"))).as("Spring Security's firewall, under /admin only").isEqualTo(400);
		var health = http.send(HttpRequest.newBuilder(url.resolve("actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.headers().firstValue("Set-Cookie")).isEmpty();

		var admin = http.send(HttpRequest.newBuilder(url.resolve("admin")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(admin.statusCode()).isEqualTo(303);
		assertThat(admin.headers().firstValue("Location")).hasValue("/admin/login");
		assertThat(admin.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
			.contains("default-src 'none'").doesNotContain("script"));
		var login = http.send(HttpRequest.newBuilder(url.resolve("admin/login")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie)
			.contains("Path=/admin;", "HttpOnly", "SameSite=Lax"));
		assertThat(log()).doesNotContain("generated security password");
	}

	@Test
	void withoutAPasswordThereIsNoOperatorPage() throws Exception {
		serve();

		for (String path : List.of("admin", "admin/login", "admin/deliveries.csv")) {
			var answer = http.send(HttpRequest.newBuilder(url.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());

			assertThat(answer.statusCode()).as(path).isEqualTo(404);
			assertThat(answer.body()).as(path).contains("<h1>Not found</h1>");
		}
		var post = http.send(HttpRequest.newBuilder(url.resolve("admin/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("username=admin&password=")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(post.statusCode()).isEqualTo(404);
		assertThat(log()).doesNotContain("generated security password");
	}

	// --- the service

	private void serve(String... extra) throws InterruptedException {
		List<String> args = new ArrayList<>(List.of("serve", "--port=0"));
		args.addAll(e2e.cli().settings());
		args.addAll(List.of(extra));
		var process = CliProcess.start(e2e.dataDir(), args.toArray(String[]::new));
		started.add(process);
		Instant deadline = Instant.now().plusSeconds(120);
		Pattern serving = Pattern.compile("Serving (http://\\S+/) ");
		while (!process.out().contains("Every other command works beside it")) {
			assertThat(process.isAlive()).as("serve ended: " + process.out() + process.err()).isTrue();
			assertThat(Instant.now()).as("serve started: " + process.out() + process.err()).isBefore(deadline);
			Thread.sleep(100);
		}
		Matcher found = serving.matcher(process.out());
		assertThat(found.find()).isTrue();
		url = URI.create(found.group(1));
	}

	/** A command beside the service, as the operator runs it from another shell; its standard output. */
	private String beside(String... command) throws InterruptedException {
		var process = CliProcess.start(e2e.dataDir(), e2e.args(command));
		assertThat(process.waitFor()).as(process.out() + process.err()).isZero();
		return process.out();
	}

	private String log() throws IOException {
		return Files.readString(e2e.dataDir().resolve("logs/newsletter.log"));
	}

	private String raw(String method, String target) throws IOException {
		try (var socket = new Socket(url.getHost(), url.getPort())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: " + url.getAuthority()
					+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	private static int status(String answer) {
		Matcher line = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(answer);
		return line.find() ? Integer.parseInt(line.group(1)) : -1;
	}

	/** A GET with the browser's session cookie. */
	private HttpResponse<String> signedInGet(String path) throws IOException, InterruptedException {
		var cookie = browser.manage().getCookieNamed("JSESSIONID");
		return http.send(HttpRequest.newBuilder(url.resolve(path)).header("Cookie", "JSESSIONID=" + cookie.getValue()).build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	// --- the browser

	private static void phone() {
		browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 375, "height", 812, "deviceScaleFactor", 1, "mobile", true));
	}

	private static void signIn(String password) {
		browser.findElement(By.name("username")).sendKeys("admin");
		browser.findElement(By.name("password")).sendKeys(password);
		submit(By.cssSelector("form button[type=submit]"));
	}

	private static void preview(String address) {
		WebElement field = browser.findElement(By.name("address"));
		field.clear();
		// the field's own type=email check is the browser's; the server's is what is tested here
		browser.executeScript("arguments[0].type = 'text'", field);
		field.sendKeys(address);
		submit(By.cssSelector("form[action$='/preview'] button"));
	}

	/**
	 * Clicks a form's button and waits until the page its answer leads to has replaced this one:
	 * the click can return before the browser has left the page, whose elements then go stale
	 * under the next look-up. The old page is marked with a window property, which the new page
	 * does not have; while the browser is between the two, Chromium can answer any command with an
	 * error (stale element, or "node does not belong to the document"), so those are waited out.
	 */
	private static void submit(By button) {
		browser.executeScript("window.newsletterOldPage = true");
		browser.findElement(button).click();
		new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(WebDriverException.class)
			.until(driver -> Boolean.TRUE.equals(browser.executeScript(
					"return window.newsletterOldPage === undefined && document.readyState === 'complete'")));
	}

	private static String text(String selector) {
		return browser.findElement(By.cssSelector(selector)).getText();
	}

	private static void assertFitsThePhone() {
		assertThat(number("return window.innerWidth")).isEqualTo(375.0);
		assertThat(number("return document.documentElement.scrollWidth")).as("no sideways scroll at 375 px")
			.isLessThanOrEqualTo(375.0);
	}

	private static double number(String script) {
		return ((Number) browser.executeScript(script)).doubleValue();
	}

	private static void screenshot(String name) throws IOException {
		double width = number("return document.documentElement.scrollWidth");
		double height = number("return document.documentElement.scrollHeight");
		Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
				"captureBeyondViewport", true,
				"clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
		Files.write(SCREENSHOTS.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
	}

	private static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
		Instant deadline = Instant.now().plus(within);
		while (!condition.getAsBoolean()) {
			assertThat(Instant.now()).as("within " + within).isBefore(deadline);
			Thread.sleep(500);
		}
	}
}
