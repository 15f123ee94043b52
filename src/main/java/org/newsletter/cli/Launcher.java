package org.newsletter.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.newsletter.NewsletterApplication;
import org.newsletter.config.DataDirLock;
import org.newsletter.job.RunReport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the program as the operator runs it: Spring properties ({@code --newsletter.x=y})
 * go to Spring, everything else to picocli; the data directory is locked before the
 * database opens; the command's exit code is returned.
 */
public final class Launcher {

	private static final Pattern SPRING_PROPERTY = Pattern.compile("--[A-Za-z][\\w-]*\\.[\\w.\\[\\]-]+=.*", Pattern.DOTALL);

	/** The demo's own data directory, emptied at every demo. */
	static final String DEMO_DATA_DIR = "demo-data";

	private Launcher() {
	}

	/** Runs one command and returns its exit code; {@code out} and {@code err} are the operator's terminal. */
	public static int execute(PrintWriter out, PrintWriter err, String... args) {
		List<String> springArgs = new ArrayList<>();
		List<String> commandArgs = new ArrayList<>();
		for (String arg : args) {
			(SPRING_PROPERTY.matcher(arg).matches() ? springArgs : commandArgs).add(arg);
		}
		boolean demo = commandArgs.contains("demo") && !commandArgs.contains("--help") && !commandArgs.contains("-h");
		if (demo) {
			springArgs.add("--newsletter.data-dir=" + DEMO_DATA_DIR);
			springArgs.add("--newsletter.feeds=" + DEMO_DATA_DIR + "/feeds.opml");
			springArgs.add("--newsletter.outbox-dir=" + DEMO_DATA_DIR + "/outbox");
			springArgs.add("--newsletter.archive-dir=" + DEMO_DATA_DIR + "/archive");
		}
		if (commandArgs.contains("--verbose")) {
			springArgs.add("--newsletter.console-level=INFO");
		}
		var application = new SpringApplication(NewsletterApplication.class);
		application.setDefaultProperties(java.util.Map.of("spring.config.additional-location",
				"optional:classpath:/batch-config/,optional:file:./batch-config/"));
		try (var lock = new DataDirLock(demo)) {
			application.addListeners(lock);
			try (ConfigurableApplicationContext context = application.run(springArgs.toArray(String[]::new))) {
				context.getBean(RunReport.class).printTo(out);
				var commandLine = new CommandLine(NewsletterCommand.class, new SpringCommandFactory(context));
				commandLine.setOut(out);
				commandLine.setErr(err);
				commandLine.setExecutionExceptionHandler(new OneLineErrors());
				commandLine.setCaseInsensitiveEnumValuesAllowed(true);
				return commandLine.execute(commandArgs.toArray(String[]::new));
			}
		}
		catch (DataDirLock.DataDirLockedException ex) {
			err.println("newsletter: " + ex.getMessage());
			return ExitCodes.FAILED;
		}
		catch (RuntimeException ex) {
			LoggerFactory.getLogger(Launcher.class).error("start-up failed", ex);
			err.println("newsletter: cannot start: " + org.newsletter.Failures.oneLine(ex));
			return ExitCodes.FAILED;
		}
	}
}
