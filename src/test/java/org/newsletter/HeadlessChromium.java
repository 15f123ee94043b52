package org.newsletter;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The headless Chromium of the browser tests (the email's layout, the operator page): found on
 * the PATH with its ChromeDriver, started with the flags that keep it from calling home on a
 * machine without a network, or, when either is missing, what to install
 * ({@link MachineTools#missing}).
 */
public final class HeadlessChromium {

	/**
	 * Quietened: the Chrome DevTools commands here go through ChromeDriver, so Selenium's own
	 * DevTools bindings, and its warning that none matches this Chromium, do not matter.
	 */
	private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

	private HeadlessChromium() {
	}

	/** What this machine lacks for {@code test}'s browser, or null when Chromium and ChromeDriver are there. */
	public static String missing(Class<?> test) {
		if (chromium().isPresent() && chromedriver().isPresent()) {
			return null;
		}
		return MachineTools.missing(test, chromium().isEmpty()
				? "no Chromium on the PATH: apt-get install chromium chromium-driver"
				: "no chromedriver on the PATH: apt-get install chromium-driver");
	}

	/** A new headless Chromium; call only when {@link #missing} said nothing is missing. */
	public static ChromeDriver start() throws IOException {
		SELENIUM_LOG.setLevel(Level.SEVERE);
		var service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver().orElseThrow().toFile())
			.withLogOutput(OutputStream.nullOutputStream())
			.build();
		var options = new ChromeOptions().setBinary(chromium().orElseThrow().toFile())
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--disable-quic", "--no-first-run", "--hide-scrollbars",
					"--user-data-dir=" + Files.createTempDirectory("newsletter-chromium"));
		var browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		return browser;
	}

	private static Optional<Path> chromium() {
		return executable("chromium", "chromium-browser", "google-chrome");
	}

	private static Optional<Path> chromedriver() {
		return executable("chromedriver");
	}

	private static Optional<Path> executable(String... names) {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
		return Stream.of(names)
			.flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name)))
			.filter(Files::isExecutable)
			.findFirst();
	}
}
