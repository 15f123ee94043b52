package org.newsletter.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.newsletter.NewsletterApplication;
import javax.sql.DataSource;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.helpers.NOPAppender;
import ch.qos.logback.core.status.OnConsoleStatusListener;
import org.newsletter.config.BadInputException;
import org.newsletter.config.DataDirLock;
import org.newsletter.config.DataDirUnusableException;
import org.newsletter.config.DataDirWriteException;
import org.newsletter.config.Failures;
import org.newsletter.config.StorageFailures;
import org.newsletter.job.RemoteSend;
import org.newsletter.job.RemoteSendConfig;
import org.newsletter.job.RunReport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * Starts the program as the operator runs it: Spring properties ({@code --newsletter.x=y})
 * go to Spring, everything else to picocli, which parses it first, without Spring, so help,
 * the version and usage errors are answered at once; only then does Spring start, locking the
 * data directory before the database opens; the command's exit code is returned.
 */
public final class Launcher {

	private static final Pattern SPRING_PROPERTY = Pattern.compile("--[A-Za-z][\\w-]*\\.[\\w.\\[\\]-]+=.*", Pattern.DOTALL);

	/** The demo's own data directory, emptied at every demo. */
	static final String DEMO_DATA_DIR = "demo-data";

	private Launcher() {
	}

	/** The program's entry point: exits with the command's exit code (DESIGN.md §6). */
	public static void main(String[] args) {
		var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
		var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
		System.exit(execute(out, err, args));
	}

	/** Runs one command and returns its exit code; {@code out} and {@code err} are the operator's terminal. */
	public static int execute(PrintWriter out, PrintWriter err, String... args) {
		List<String> springArgs = new ArrayList<>();
		List<String> commandArgs = new ArrayList<>();
		for (String arg : args) {
			(SPRING_PROPERTY.matcher(arg).matches() ? springArgs : commandArgs).add(arg);
		}
		String[] command = commandArgs.toArray(String[]::new);
		// Parsed first, without Spring: help, the version and usage errors touch neither the database nor the data directory.
		CommandLine parser = commandLine(new ParsingCommandFactory(), out, err);
		CommandLine.ParseResult parsed;
		try {
			parsed = parser.parseArgs(command);
		}
		catch (CommandLine.ParameterException ex) {
			return usageError(parser, ex, command);
		}
		Integer answered = CommandLine.executeHelpRequest(parsed);
		if (answered != null) {
			return answered;
		}
		if (listsSubcommands(parsed)) {
			return parser.execute(command);
		}
		boolean demo = parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals("demo");
		if (demo) {
			springArgs.add("--newsletter.data-dir=" + DEMO_DATA_DIR);
			springArgs.add("--newsletter.feeds=" + DEMO_DATA_DIR + "/feeds.opml");
			springArgs.add("--newsletter.outbox-dir=" + DEMO_DATA_DIR + "/outbox");
			springArgs.add("--newsletter.archive-dir=" + DEMO_DATA_DIR + "/archive");
		}
		if (verbose(parsed)) {
			springArgs.add("--newsletter.console-level=INFO");
		}
		WebApplicationType web;
		try {
			web = webApplicationType(parsed, springArgs);
		}
		catch (BadInputException ex) {
			err.println("newsletter: " + ex.getMessage());
			return ExitCodes.BAD_INPUT;
		}
		List<String> profiles = new ArrayList<>();
		if (parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals("worker")) {
			// a worker takes the partitions of remote runs (job.RemoteSendConfig), whatever the configuration says
			springArgs.removeIf(arg -> arg.startsWith("--" + RemoteSend.REMOTE + "="));
			springArgs.add("--" + RemoteSend.REMOTE + "=true");
			profiles.add(RemoteSendConfig.WORKER_PROFILE);
		}
		return run(springArgs, profiles, demo, web, command, out, err);
	}

	/**
	 * Only {@code serve} starts a web server (every other command starts as fast as before);
	 * its {@code --port} and {@code --bind} reach the server as Spring properties.
	 */
	private static WebApplicationType webApplicationType(CommandLine.ParseResult parsed, List<String> springArgs) {
		if (!parsed.hasSubcommand() || !parsed.subcommand().commandSpec().name().equals("serve")) {
			return WebApplicationType.NONE;
		}
		springArgs.addAll(ServeCommand.springProperties(parsed.subcommand()));
		return WebApplicationType.SERVLET;
	}

	/** Starts Spring on the data directory, then runs the command with its collaborators from Spring. */
	private static int run(List<String> springArgs, List<String> profiles, boolean demo, WebApplicationType web,
			String[] command, PrintWriter out, PrintWriter err) {
		// serve holds the data directory; every other command but the demo may run beside it
		boolean besideService = !demo && web == WebApplicationType.NONE;
		var application = new SpringApplication(NewsletterApplication.class);
		application.setWebApplicationType(web);
		application.setAdditionalProfiles(profiles.toArray(String[]::new));
		application.setDefaultProperties(java.util.Map.of("spring.config.additional-location",
				"optional:classpath:/batch-config/,optional:file:./batch-config/"));
		quietUntilConfigured();
		application.addListeners(new LogbackTroublesOffTerminal());
		var lock = new DataDirLock(demo, besideService);
		try (lock) {
			application.addListeners(lock);
			try (ConfigurableApplicationContext context = application.run(springArgs.toArray(String[]::new))) {
				context.getBean(RunReport.class).printTo(out);
				UnknownSettings.of(context).forEach(setting -> err.println("newsletter: warning: unknown setting " + setting
						+ " is ignored (batch-config/application.yml lists every setting)"));
				var commandLine = commandLine(new SpringCommandFactory(context), out, err);
				commandLine.setExecutionExceptionHandler(new OneLineErrors());
				int exitCode = commandLine.execute(command);
				return durable(context, exitCode, err);
			}
		}
		catch (DataDirUnusableException | DataDirWriteException ex) {
			err.println("newsletter: " + ex.getMessage());
			return ExitCodes.FAILED;
		}
		catch (RuntimeException ex) {
			LoggerFactory.getLogger(Launcher.class).error("start-up failed", ex);
			PortInUseException inUse = Failures.find(ex, PortInUseException.class);
			BindException bind = Failures.find(ex, BindException.class);
			if (inUse != null || bind != null) {
				// serve's address is the operator's input (--port, --bind, newsletter.serve.*)
				err.println("newsletter: cannot listen on " + (inUse != null ? "port " + inUse.getPort()
						+ ": it is in use" : "the address of --bind: " + bind.getMessage()));
				return ExitCodes.BAD_INPUT;
			}
			var failure = StartFailures.of(ex, lock.dataDir() != null ? lock.dataDir() : Path.of("data"),
					StartFailures.configFiles(springArgs));
			err.println("newsletter: " + failure.line());
			return failure.exitCode();
		}
	}

	private static CommandLine commandLine(CommandLine.IFactory factory, PrintWriter out, PrintWriter err) {
		var commandLine = new CommandLine(NewsletterCommand.class, factory);
		commandLine.setOut(out);
		commandLine.setErr(err);
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		return commandLine;
	}

	/** picocli's message and the usage of the command it is about, exit code 2. */
	private static int usageError(CommandLine parser, CommandLine.ParameterException ex, String[] command) {
		try {
			return parser.getParameterExceptionHandler().handleParseException(ex, command);
		}
		catch (Exception unexpected) {
			throw new IllegalStateException("cannot report the usage error: " + ex.getMessage(), unexpected);
		}
	}

	/** A command with sub-commands given none ({@code newsletter}, {@code newsletter subscribers}) only lists them. */
	private static boolean listsSubcommands(CommandLine.ParseResult parsed) {
		var last = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
		return !last.getSubcommands().isEmpty();
	}

	/** {@code --verbose}, given at whichever level of the command (it is inherited). */
	private static boolean verbose(CommandLine.ParseResult parsed) {
		for (var level = parsed; level != null; level = level.subcommand()) {
			if (level.hasMatchedOption("--verbose")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Until Spring Boot configures logging from {@code logback-spring.xml} (once the data
	 * directory is known), logback's default would print every start-up failure's stack trace
	 * on the operator's terminal: nothing is logged before then, and the failure is reported in
	 * one line.
	 */
	private static void quietUntilConfigured() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
			logback.reset();
			// an appender that drops everything, or logback itself warns on the terminal that there is none
			var nothing = new NOPAppender<ILoggingEvent>();
			nothing.setContext(logback);
			nothing.start();
			logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(nothing);
		}
	}

	/**
	 * Spring Boot prints logback's own warnings on the terminal: on a full disk, one per line
	 * that could not be written to the log file, hundreds for one command. The command reports
	 * the full disk itself, in one line. Runs as soon as Boot has configured logging.
	 */
	private static final class LogbackTroublesOffTerminal implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
				var statuses = logback.getStatusManager();
				statuses.getCopyOfStatusListenerList().stream()
					.filter(OnConsoleStatusListener.class::isInstance)
					.forEach(statuses::remove);
			}
		}

		/** Just after Spring Boot's {@code LoggingApplicationListener}. */
		@Override
		public int getOrder() {
			return LoggingApplicationListener.DEFAULT_ORDER + 1;
		}
	}

	/**
	 * A command that succeeded although a write of the database's files failed on the way (a
	 * path that did not check its commit) still fails: the operator must not read "done".
	 */
	private static int durable(ConfigurableApplicationContext context, int exitCode, PrintWriter err) {
		if (!context.isActive()) {
			// serve, stopped by Spring's shutdown hook (Ctrl-C, SIGTERM): the context is closed already
			return exitCode;
		}
		var failures = context.getBeanProvider(DataSource.class).stream().map(StorageFailures::of).flatMap(Optional::stream).findFirst();
		if (exitCode == ExitCodes.OK && failures.isPresent() && failures.get().failed()) {
			try {
				failures.get().check();
			}
			catch (DataDirWriteException ex) {
				err.println("newsletter: " + ex.getMessage());
				return ExitCodes.FAILED;
			}
		}
		return exitCode;
	}
}
