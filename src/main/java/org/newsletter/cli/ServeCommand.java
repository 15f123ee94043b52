package org.newsletter.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.newsletter.config.BadInputException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.service.DigestSchedule;
import org.newsletter.web.SignUpConfirmed;
import org.newsletter.web.Unsubscribed;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.web.context.WebApplicationContext;

/**
 * {@code serve}: the archive and the unsubscribe page over HTTP, until stopped. Spring starts the
 * web server with the application (only for this command, see {@link Launcher}); the command
 * says where it listens and waits for the application to close (Ctrl-C, SIGTERM).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
		header = "Runs the newsletter as a service until stopped: the pages, the weekly schedule, the database.",
		description = { "Answers under the path of newsletter.base-url: archive/ is the archive folder (each sent "
				+ "issue, index.html, feed.xml); unsubscribe?token=... shows a confirmation page on GET and "
				+ "unsubscribes on POST, from the page's button or a mail provider's one-click request (RFC 8058); "
				+ "actuator/health tells a monitor whether it is up. "
				+ "Plain HTTP: put it behind a reverse proxy that answers at newsletter.base-url with TLS.",
				"",
				"newsletter.schedule (a cron expression, e.g. '0 0 8 * * MON', read in newsletter.schedule-zone) runs "
						+ "the weekly digest with the tick as its cutoff; a tick missed while it was down runs once at start "
						+ "when younger than newsletter.schedule-catch-up (1d). At start it finishes a run that a stop left "
						+ "unfinished. Every other command works beside it from another shell (through HSQLDB's server "
						+ "mode on a loopback port, announced in the data directory). Ctrl-C or SIGTERM stops a send after "
						+ "each connection's message in flight; the next start finishes it." },
		footer = { "", "Example:", "  ./newsletter serve --port=8080" })
class ServeCommand implements Callable<Integer> {

	@Option(names = "--port", paramLabel = "N",
			description = "TCP port; 0 for any free one (default: newsletter.serve.port, 8080).")
	Integer port;

	@Option(names = "--bind", paramLabel = "ADDRESS",
			description = "Address to listen on; 0.0.0.0 for every interface (default: newsletter.serve.bind, 127.0.0.1).")
	String bind;

	@Spec
	CommandSpec spec;

	private final NewsletterProperties properties;

	private final ApplicationContext context;

	private final ObjectProvider<DigestSchedule> schedule;

	ServeCommand(NewsletterProperties properties, ApplicationContext context, ObjectProvider<DigestSchedule> schedule) {
		this.properties = properties;
		this.context = context;
		this.schedule = schedule;
	}

	/**
	 * The Spring properties that carry {@code --port} and {@code --bind} of a parsed {@code serve}
	 * to the web server, which Spring starts before the command runs; checked here, so a bad one
	 * is one line and exit code 2 before anything starts.
	 */
	static List<String> springProperties(CommandLine.ParseResult serve) {
		List<String> properties = new ArrayList<>();
		Integer port = serve.matchedOptionValue("--port", null);
		if (port != null) {
			if (port < 0 || port > 65535) {
				throw new BadInputException("--port must be between 0 and 65535, not " + port);
			}
			properties.add("--newsletter.serve.port=" + port);
		}
		String bind = serve.matchedOptionValue("--bind", null);
		if (bind != null) {
			try {
				InetAddress.getByName(bind);
			}
			catch (UnknownHostException ex) {
				throw new BadInputException("--bind: unknown address " + bind);
			}
			properties.add("--newsletter.serve.bind=" + bind);
		}
		return properties;
	}

	@Override
	public Integer call() throws InterruptedException {
		PrintWriter out = spec.commandLine().getOut();
		var closed = new CountDownLatch(1);
		ApplicationListener<ApplicationEvent> listener = event -> {
			if (event instanceof ContextClosedEvent) {
				closed.countDown();
			}
			else if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof Unsubscribed gone) {
				out.println("unsubscribed: " + gone.email());
				out.flush();
			}
			else if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof SignUpConfirmed signedUp) {
				out.println("subscribed: " + signedUp.email() + " (confirmed a sign-up)");
				out.flush();
			}
		};
		((ConfigurableApplicationContext) context).addApplicationListener(listener);
		String url = url(((WebServerApplicationContext) context).getWebServer().getPort());
		out.println("Serving " + url + " (archive: " + url + "archive/, unsubscribe: " + url + "unsubscribe?token=..., "
				+ "health: " + url + "actuator/health)");
		out.println(schedule.getObject().nextTick()
			.map(next -> "Next run: " + next.withZoneSameInstant(properties.scheduleZone()) + " (schedule '"
					+ properties.schedule() + "', " + properties.scheduleZone() + ")")
			.orElse("No schedule (newsletter.schedule): the digest goes out when ./newsletter run is run."));
		out.println("Every other command works beside it, from another shell. Stop it with Ctrl-C or SIGTERM.");
		out.flush();
		if (((ConfigurableApplicationContext) context).isActive()) {
			// Spring's shutdown hook closes the application on Ctrl-C or SIGTERM, the web server gracefully.
			closed.await();
		}
		return ExitCodes.OK;
	}

	/** Where it answers, e.g. {@code http://127.0.0.1:8080/}, with the base URL's path. */
	private String url(int port) {
		String host = properties.serve().bind();
		try {
			InetAddress address = InetAddress.getByName(host);
			host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
		}
		catch (UnknownHostException ex) {
			// the web server listens on it, so it resolved a moment ago: show it as given
		}
		String path = ((WebApplicationContext) context).getServletContext().getContextPath();
		return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path + "/";
	}
}
