package org.newsletter.cli;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.LoggerFactory;

/**
 * Opens a page in the desktop's browser: {@link Desktop} where the JVM has a display (Spring
 * Boot starts headless unless {@code -Djava.awt.headless=false}), otherwise the platform's
 * opener ({@code xdg-open} under X11 or Wayland, {@code open} on macOS, the file handler on
 * Windows). On a server there is none, and the caller prints the address instead.
 */
final class DesktopBrowser {

	private DesktopBrowser() {
	}

	/** Asks the desktop to open {@code page}; false when there is no desktop to ask. */
	static boolean open(URI page) {
		try {
			if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
					&& Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
				Desktop.getDesktop().browse(page);
				return true;
			}
			Optional<List<String>> opener = opener(page);
			if (opener.isEmpty()) {
				return false;
			}
			new ProcessBuilder(opener.get()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			return true;
		}
		catch (IOException | UnsupportedOperationException ex) {
			LoggerFactory.getLogger(DesktopBrowser.class).info("cannot open {} in a browser", page, ex);
			return false;
		}
	}

	private static Optional<List<String>> opener(URI page) {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		if (os.contains("win")) {
			return Optional.of(List.of("rundll32", "url.dll,FileProtocolHandler", page.toString()));
		}
		if (os.contains("mac")) {
			return Optional.of(List.of("open", page.toString()));
		}
		boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
		return display && onPath("xdg-open") ? Optional.of(List.of("xdg-open", page.toString())) : Optional.empty();
	}

	private static boolean onPath(String program) {
		String path = System.getenv("PATH");
		return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
			.anyMatch(dir -> new File(dir, program).canExecute());
	}
}
