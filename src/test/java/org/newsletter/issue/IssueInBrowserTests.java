package org.newsletter.issue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.HeadlessChromium;
import org.newsletter.MachineTools;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fixture issue's HTML part as a reader's browser lays it out: headless Chromium driven
 * by Selenium through the system's ChromeDriver (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs). Without them the test is skipped,
 * or fails under {@code NEWSLETTER_TESTS_REQUIRE_ALL=1} ({@link MachineTools});
 * {@code NEWSLETTER_SKIP_BROWSER=1} skips it on purpose. Screenshots go to
 * {@code target/browser/}.
 */
class IssueInBrowserTests {

	private static final Path OUT = Path.of("target/browser");


	private static ChromeDriver browser;

	private static Path page;

	/** What this machine lacks for the test, or null. */
	private static String missing;

	/** A 200-entry issue from 100 sources, cut to the email's budget. */
	private static Path bigPage;

	@BeforeAll
	static void startChromium() throws IOException {
		assumeFalse("1".equals(System.getenv("NEWSLETTER_SKIP_BROWSER")), "NEWSLETTER_SKIP_BROWSER=1");
		missing = HeadlessChromium.missing(IssueInBrowserTests.class);
		if (missing != null) {
			return;
		}
		Files.createDirectories(OUT);
		page = OUT.resolve("issue.html").toAbsolutePath();
		Files.writeString(page, FixtureIssue.rendered(FixtureIssue.properties()).html(), StandardCharsets.UTF_8);
		bigPage = OUT.resolve("big-issue.html").toAbsolutePath();
		Files.writeString(bigPage, FixtureIssue.rendered(FixtureIssue.properties(),
				FixtureIssue.bigContent(FixtureIssue.properties(), 100, 2)).html(), StandardCharsets.UTF_8);

		browser = HeadlessChromium.start();
	}

	@BeforeEach
	void skipWithoutChromium() {
		assumeTrue(missing == null, missing);
	}

	@AfterAll
	static void quit() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void onADesktopTheIssueIsA600PixelColumnWithoutHorizontalScrolling() throws IOException {
		open(1280, 900, false);

		assertThat(width("table.container")).isBetween(596.0, 604.0);
		assertNoHorizontalScroll();
		assertEveryEntryTitleIsVisibleAndLinked();
		screenshot("issue-desktop.png");
	}

	@Test
	void onA375PixelPhoneTheIssueFitsTheScreen() throws IOException {
		open(375, 812, true);

		assertThat(number("return window.innerWidth")).isEqualTo(375.0);
		assertThat(width("table.container")).isLessThanOrEqualTo(375.0);
		assertNoHorizontalScroll();
		assertEveryEntryTitleIsVisibleAndLinked();
		assertThat(number("return parseFloat(getComputedStyle(document.querySelector('td.source')).paddingLeft)"))
			.as("the narrow-screen media query applies").isEqualTo(18.0);
		screenshot("issue-mobile.png");
	}

	@Test
	void aTwoHundredEntryIssueLaysOutAt600And375PixelsWithItsFooterReachable() throws IOException {
		for (int width : new int[] { 1280, 375 }) {
			open(bigPage, width, 812, width < 600);

			assertThat(width("table.container")).isLessThanOrEqualTo(width == 375 ? 375.0 : 604.0)
				.isGreaterThanOrEqualTo(width == 375 ? 360.0 : 596.0);
			assertNoHorizontalScroll();
			List<WebElement> links = browser.findElements(By.cssSelector("td.source h3 a, p.brief a"));
			assertThat(links).hasSizeGreaterThan(100).allSatisfy(link -> assertThat(link.getRect().getWidth()).isPositive());
			WebElement unsubscribe = browser.findElement(By.cssSelector("td.footer a[href*=unsubscribe]"));
			assertThat(unsubscribe.isDisplayed()).isTrue();
			assertThat(unsubscribe.getRect().getWidth()).isPositive();
			screenshot(width == 375 ? "big-issue-mobile.png" : "big-issue-desktop.png");
		}
	}

	@Test
	void inDarkModeTheIssueTurnsDark() throws IOException {
		browser.executeCdpCommand("Emulation.setEmulatedMedia",
				Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
		try {
			open(1280, 900, false);

			assertThat(browser.executeScript("return getComputedStyle(document.querySelector('table.container')).backgroundColor"))
				.isEqualTo("rgb(22, 27, 34)");
			assertThat(browser.executeScript("return getComputedStyle(document.querySelector('.summary')).color"))
				.isEqualTo("rgb(230, 237, 243)");
			screenshot("issue-dark.png");
		}
		finally {
			browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
	}

	private static void open(int width, int height, boolean mobile) {
		open(page, width, height, mobile);
	}

	private static void open(Path file, int width, int height, boolean mobile) {
		browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
		browser.get(file.toUri().toString());
	}

	private static void assertNoHorizontalScroll() {
		assertThat(number("return document.documentElement.scrollWidth"))
			.as("page width against the viewport").isLessThanOrEqualTo(number("return window.innerWidth"));
	}

	private static void assertEveryEntryTitleIsVisibleAndLinked() {
		List<WebElement> titles = browser.findElements(By.cssSelector("td.source h3 a"));
		assertThat(titles).hasSize(24).allSatisfy(title -> {
			assertThat(title.isDisplayed()).as("'%s' displayed", title.getText()).isTrue();
			assertThat(title.getRect().getWidth()).as("width of '%s'", title.getText()).isPositive();
			assertThat(title.getRect().getHeight()).as("height of '%s'", title.getText()).isPositive();
			assertThat(title.getDomProperty("href")).matches("https?://.+");
		});
	}

	private static double width(String selector) {
		return number("return document.querySelector(arguments[0]).getBoundingClientRect().width", selector);
	}

	private static double number(String script, Object... arguments) {
		return ((Number) browser.executeScript(script, arguments)).doubleValue();
	}

	/** The whole page, not only the viewport. */
	private static void screenshot(String name) throws IOException {
		double width = number("return document.documentElement.scrollWidth");
		double height = number("return document.documentElement.scrollHeight");
		Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
				"captureBeyondViewport", true,
				"clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
		Files.write(OUT.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
	}
}
