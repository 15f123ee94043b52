package org.newsletter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.newsletter.cli.Launcher;

/** Runs the command line in this JVM exactly as {@code main} does, capturing what it prints. */
public final class Cli {

	/** What one command did. */
	public record Result(int exitCode, String out, String err) {

		@Override
		public String toString() {
			return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
		}
	}

	private final List<String> settings = new ArrayList<>();

	/** A command line whose data live in {@code dataDir}. */
	public Cli(Path dataDir) {
		settings.add("--newsletter.data-dir=" + dataDir);
		settings.add("--newsletter.feeds=" + dataDir.resolve("feeds.opml"));
		settings.add("--newsletter.templates-dir=templates");
	}

	/** Adds a Spring property, e.g. {@code spring.mail.port=3025}, replacing an earlier value of it. */
	public Cli with(String property, Object value) {
		settings.removeIf(setting -> setting.startsWith("--" + property + "="));
		settings.add("--" + property + "=" + value);
		return this;
	}

	/** The Spring properties every command gets, as command-line arguments. */
	public List<String> settings() {
		return List.copyOf(settings);
	}

	public Result run(String... args) {
		var out = new StringWriter();
		var err = new StringWriter();
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(settings);
		int code = Launcher.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
		return new Result(code, out.toString(), err.toString());
	}
}
