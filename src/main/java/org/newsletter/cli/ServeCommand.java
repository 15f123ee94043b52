package org.newsletter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.newsletter.config.BadInputException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;
import org.newsletter.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the archive and the unsubscribe page over HTTP, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
		header = "Serves the archive and the unsubscribe page over HTTP until stopped (Ctrl-C).",
		description = { "Answers under the path of newsletter.base-url: archive/ is the archive folder (each sent "
				+ "issue, index.html, feed.xml); unsubscribe?token=... shows a confirmation page on GET and "
				+ "unsubscribes on POST, from the page's button or a mail provider's one-click request (RFC 8058). "
				+ "Plain HTTP: put it behind a reverse proxy that answers at newsletter.base-url with TLS.",
				"",
				"While it runs it holds the data directory, like every command: the HSQLDB file database admits one "
						+ "process. Stop it before ./newsletter run and start it again afterwards; one-click requests "
						+ "that arrive meanwhile fail, and mail providers may retry them." },
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

	private final UnsubscribeLinks links;

	private final SubscriberRepository subscribers;

	private final Clock clock;

	ServeCommand(NewsletterProperties properties, UnsubscribeLinks links, SubscriberRepository subscribers, Clock clock) {
		this.properties = properties;
		this.links = links;
		this.subscribers = subscribers;
		this.clock = clock;
	}

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		int chosenPort = port != null ? port : properties.serve().port();
		if (chosenPort < 0 || chosenPort > 65535) {
			throw new BadInputException("--port must be between 0 and 65535, not " + chosenPort);
		}
		var address = new InetSocketAddress(bind != null ? bind : properties.serve().bind(), chosenPort);
		if (address.isUnresolved()) {
			throw new BadInputException("--bind: unknown address " + address.getHostString());
		}
		WebServer server;
		try {
			server = WebServer.start(address, properties, links, subscribers, clock, line -> {
				out.println(line);
				out.flush();
			});
		}
		catch (IOException ex) {
			throw new BadInputException("cannot listen on " + address.getHostString() + ":" + chosenPort + ": "
					+ ex.getMessage());
		}
		var stopped = new CountDownLatch(1);
		Thread onExit = new Thread(() -> {
			server.close();
			stopped.countDown();
		}, "serve-stop");
		Runtime.getRuntime().addShutdownHook(onExit);
		out.println("Serving " + server.url() + " (archive: " + server.url() + "archive/, unsubscribe: " + server.url()
				+ "unsubscribe?token=...)");
		out.println("The data directory is held until this stops: press Ctrl-C before ./newsletter run.");
		out.flush();
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			server.close();
			Runtime.getRuntime().removeShutdownHook(onExit);
		}
		return ExitCodes.OK;
	}
}
