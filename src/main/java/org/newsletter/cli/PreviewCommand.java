package org.newsletter.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.PrivateFiles;
import org.newsletter.delivery.DkimSigner;
import org.newsletter.delivery.MessageFactory;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssuePreview;
import org.newsletter.job.DigestParameters;
import org.newsletter.job.WeeklyDigestJobConfig;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;

/** {@code preview}: the next issue rendered to a folder; nothing sent, nothing recorded. */
@Command(name = "preview", mixinStandardHelpOptions = true,
		header = "Renders the next issue to a folder without sending or recording anything.",
		description = { "Fetches the feeds and composes the issue as run would for the cutoff, then writes index.html "
				+ "(the HTML part), issue.txt (the text part) and sample.eml (the whole message, personalised for the "
				+ "first active subscriber, or for a placeholder reader when there is none).",
				"What it fetched is rolled back: the database stays as it was, so a later run of the same cutoff "
						+ "fetches again and sends the same entries." },
		footer = { "", "Exit codes: 0 written, 2 bad input, 3 too few new entries (see --send-empty).", "",
				"Example:", "  ./newsletter preview --cutoff=2026-03-24T08:00:00Z --out=/tmp/issue --open" })
class PreviewCommand implements Callable<Integer> {

	/** The reader a preview is personalised for when nobody subscribes yet. */
	static final Subscriber PLACEHOLDER = new Subscriber(0, "reader@example.invalid", "Reader", Subscriber.ACTIVE);

	@Option(names = "--cutoff", paramLabel = "ISO-INSTANT",
			description = "End of the issue's window, e.g. 2026-03-24T08:00:00Z (default: now).")
	Instant cutoff;

	@Option(names = "--out", paramLabel = "DIR", description = "Where the files go (default: <data-dir>/preview).")
	Path out;

	@Option(names = "--open", description = "Open index.html in the desktop's browser; without one, print its address.")
	boolean open;

	@Option(names = "--no-fetch", description = "Compose from the entries already stored; fetch no feed.")
	boolean noFetch;

	@Option(names = "--send-empty", description = "Render even when fewer entries than newsletter.min-entries are new.")
	boolean sendEmpty;

	@Spec
	CommandSpec spec;

	private final IssuePreview preview;

	private final SubscriberRepository subscribers;

	private final MessageFactory messages;

	private final DkimSigner dkim;

	private final JobRepository jobRepository;

	private final NewsletterProperties properties;

	private final Clock clock;

	PreviewCommand(IssuePreview preview, SubscriberRepository subscribers, MessageFactory messages, DkimSigner dkim,
			JobRepository jobRepository, NewsletterProperties properties, Clock clock) {
		this.preview = preview;
		this.subscribers = subscribers;
		this.messages = messages;
		this.dkim = dkim;
		this.jobRepository = jobRepository;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public Integer call() throws IOException, MessagingException {
		PrintWriter stdout = spec.commandLine().getOut();
		Instant at = cutoff != null ? cutoff : clock.instant().truncatedTo(ChronoUnit.SECONDS);
		stdout.println("preview of the issue for cutoff " + at + ": nothing is recorded or sent");
		stdout.flush();
		warnWhenAlreadyRun(at);
		var result = preview.preview(at, !noFetch, sendEmpty);
		if (!noFetch) {
			stdout.println("fetch: " + (result.feeds() - result.failures().size()) + "/" + result.feeds() + " feeds ok");
			result.failures().forEach(failure -> stdout.println("  failed: " + failure));
		}
		var draft = result.draft();
		if (draft.issue().isEmpty()) {
			stdout.println("Nothing to preview: " + draft.eligible() + " entries eligible between " + draft.window().start()
					+ " and " + draft.window().end() + " (use --send-empty to render anyway).");
			return ExitCodes.NOTHING_TO_DO;
		}
		Issue issue = draft.issue().get();
		stdout.println("compose: " + draft.eligible() + " entries eligible from " + issue.sourceCount() + " sources, "
				+ issue.entryCount() + " in the issue" + (draft.budget().cut() ? "; " + draft.budget().report() : ""));
		Subscriber reader = subscribers.findFirstActive().orElse(PLACEHOLDER);
		MimeMessage message = messages.build(issue, reader);
		Path folder = (out != null ? out : properties.dataDir().resolve("preview")).toAbsolutePath().normalize();
		// the sample is a subscriber's own message: owner-only, whatever the umask
		PrivateFiles.createDirectories(folder);
		for (String name : new String[] { "index.html", "issue.txt", "sample.eml" }) {
			PrivateFiles.createFile(folder.resolve(name));
		}
		Path html = Files.writeString(folder.resolve("index.html"), part(message, "text/html"), StandardCharsets.UTF_8);
		Path text = Files.writeString(folder.resolve("issue.txt"), part(message, "text/plain"), StandardCharsets.UTF_8);
		Path eml = folder.resolve("sample.eml");
		try (OutputStream file = Files.newOutputStream(eml)) {
			message.writeTo(file);
		}
		stdout.printf("  %-9s %s%n", "subject", issue.generalSubject());
		stdout.printf("  %-9s %s%n", "html", html);
		stdout.printf("  %-9s %s%n", "text", text);
		stdout.printf("  %-9s %s (for %s%s)%n", "message", eml, reader.email(), dkim.enabled() ? ", DKIM-signed" : "");
		if (open) {
			stdout.println(DesktopBrowser.open(html.toUri()) ? "Opened " + html.toUri() + " in the browser."
					: "No desktop browser here; open " + html.toUri());
		}
		return ExitCodes.OK;
	}

	/** A run of a sent cutoff is refused, and its entries are no longer new: say so before showing little. */
	private void warnWhenAlreadyRun(Instant at) {
		var parameters = new DigestParameters(at, false, false, false).toJobParameters(clock.instant());
		JobExecution last = jobRepository.getLastJobExecution(WeeklyDigestJobConfig.JOB_NAME, parameters);
		if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
			spec.commandLine().getErr().println("note: the issue for cutoff " + at + " was already run (execution "
					+ last.getId() + "); run would refuse it, and its entries are not new any more");
		}
	}

	private static String part(MimeMessage message, String type) throws IOException, MessagingException {
		var alternative = (MimeMultipart) message.getContent();
		for (int i = 0; i < alternative.getCount(); i++) {
			BodyPart part = alternative.getBodyPart(i);
			if (part.isMimeType(type)) {
				return (String) part.getContent();
			}
		}
		throw new IllegalStateException("the message has no " + type + " part");
	}
}
