package org.newsletter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.newsletter.config.NewsletterProperties;
import org.newsletter.job.DigestParameters;
import org.newsletter.subscriber.SubscriberImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.jsoup.nodes.Entities;

/**
 * {@code demo}: the whole job offline on the bundled sample feeds (Planet Python, 24 March
 * 2026) and sample subscribers, delivering to the outbox folder. Its data dir is emptied first.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
		header = "Runs the weekly digest offline on bundled sample feeds and subscribers.",
		description = { "Uses its own data directory (" + Launcher.DEMO_DATA_DIR + "/, emptied each time); "
				+ "messages go to " + Launcher.DEMO_DATA_DIR + "/outbox/, never to SMTP." },
		footer = { "", "Example:", "  ./newsletter demo" })
class DemoCommand implements Callable<Integer> {

	/** The sample feeds' week: the cutoff of the 24 March 2026 snapshot. */
	static final Instant CUTOFF = Instant.parse("2026-03-24T08:00:00Z");

	private static final String SAMPLES = "classpath*:batch-config/demo/";

	@Spec
	CommandSpec spec;

	private final NewsletterProperties properties;

	private final SubscriberImport subscriberImport;

	private final DigestLauncher launcher;

	DemoCommand(NewsletterProperties properties, SubscriberImport subscriberImport, DigestLauncher launcher) {
		this.properties = properties;
		this.subscriberImport = subscriberImport;
		this.launcher = launcher;
	}

	@Override
	public Integer call() throws IOException {
		PrintWriter out = spec.commandLine().getOut();
		Path feedsDir = properties.dataDir().resolve("feeds");
		Files.createDirectories(feedsDir);
		var resolver = new PathMatchingResourcePatternResolver();
		var opml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n"
				+ "<head><title>Demo feeds</title></head>\n<body>\n");
		for (Resource feed : resolver.getResources(SAMPLES + "feeds/*.xml")) {
			Path target = feedsDir.resolve(feed.getFilename());
			try (InputStream in = feed.getInputStream()) {
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			}
			opml.append("  <outline type=\"rss\" xmlUrl=\"feeds/").append(Entities.escape(feed.getFilename()))
				.append("\"/>\n");
		}
		Files.writeString(Path.of(properties.feeds()), opml.append("</body>\n</opml>\n"));
		Path subscribers = properties.dataDir().resolve("subscribers.csv");
		try (InputStream in = resolver.getResource("classpath:batch-config/demo/subscribers.csv").getInputStream()) {
			Files.copy(in, subscribers, StandardCopyOption.REPLACE_EXISTING);
		}
		var imported = subscriberImport.importFile(subscribers, new SubscriberImport.Options(false, false, false),
				new PrintWriter(Writer.nullWriter()), rejected -> spec.commandLine().getErr().println(rejected));
		out.println("demo: " + imported.summary() + " sample subscribers");
		int exit = launcher.run(new DigestParameters(CUTOFF, false, false, true), out, spec.commandLine().getErr());
		if (exit == ExitCodes.OK) {
			out.println();
			out.println("The issue's HTML: " + properties.archive().toAbsolutePath().normalize().resolve("2026-03-24/index.html"));
			out.println("The messages:     " + properties.outbox().toAbsolutePath().normalize() + "/");
		}
		return exit;
	}
}
