package org.newsletter.issue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.jsoup.nodes.Entities;
import org.newsletter.config.NewsletterProperties;

import org.springframework.stereotype.Component;

/**
 * Writes sent issues to the archive folder: {@code archive/<yyyy-mm-dd>/index.html}, the
 * target of "view in browser" and the web version that holds every entry of the issue (the
 * email may list some as titles only, or leave them to this page, to stay within its size
 * budget), and the archive's front, {@code archive/index.html} and
 * {@code archive/feed.xml} (Atom), listing every sent issue. {@code serve} publishes the folder.
 */
@Component
public class IssueArchive {

	private final NewsletterProperties properties;

	private final IssueRepository issues;

	private final ArchiveIndex index;

	private final Eligibility eligibility;

	private final IssueRenderer renderer;

	public IssueArchive(NewsletterProperties properties, IssueRepository issues, Eligibility eligibility,
			IssueRenderer renderer) {
		this.properties = properties;
		this.issues = issues;
		this.index = new ArchiveIndex(properties);
		this.eligibility = eligibility;
		this.renderer = renderer;
	}

	/** The archive folder's name of an issue: its cutoff's day in the newsletter's time zone. */
	public static String day(Instant cutoff, ZoneId zone) {
		return DateTimeFormatter.ISO_LOCAL_DATE.withZone(zone).format(cutoff);
	}

	/** Where the issue's page is (or will be). */
	public Path page(Issue issue) {
		return properties.archive().resolve(day(issue.cutoff(), properties.timeZone())).resolve("index.html");
	}

	/**
	 * Writes the issue's page, with the personal parts made general, and rewrites the archive's
	 * index and feed from the sent issues (call it once the issue is marked sent); returns the page.
	 */
	public Path write(Issue issue) {
		Path page = page(issue);
		String html = issue.personalise(webVersion(issue),
				Issue.general(properties.baseUrl().replaceAll("/+$", "") + "/unsubscribe"), Entities::escape);
		var sent = issues.findSent();
		write(page, html);
		write(properties.archive().resolve("index.html"), index.html(sent));
		write(properties.archive().resolve("feed.xml"), index.atom(sent));
		return page;
	}

	/** The issue's HTML with every entry it carries in full, rendered again from them (whatever the email's budget). */
	private String webVersion(Issue issue) {
		var window = new Eligibility.Window(issue.windowStart(), issue.cutoff());
		IssueContent content = IssueComposer.content(properties, window, eligibility.carriedBy(issue.id()),
				issues.number(issue.cutoff()));
		return renderer.renderWhole(content, Issue.personalModel(issue.personalToken())).html();
	}

	/** Replaces {@code file} whole, so a reader never sees half of it. */
	private static void write(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Path partial = file.resolveSibling(file.getFileName() + ".part");
			Files.writeString(partial, content, StandardCharsets.UTF_8);
			Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the archive file " + file, ex);
		}
	}
}
