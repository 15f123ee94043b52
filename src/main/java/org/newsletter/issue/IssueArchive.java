package org.newsletter.issue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;

import org.jsoup.nodes.Entities;
import org.newsletter.config.NewsletterProperties;

import org.springframework.stereotype.Component;

/** Writes sent issues to the archive folder, {@code archive/<yyyy-mm-dd>/index.html}, the target of "view in browser". */
@Component
public class IssueArchive {

	private final NewsletterProperties properties;

	public IssueArchive(NewsletterProperties properties) {
		this.properties = properties;
	}

	/** Where the issue's page is (or will be). */
	public Path page(Issue issue) {
		String day = DateTimeFormatter.ISO_LOCAL_DATE.withZone(properties.timeZone()).format(issue.cutoff());
		return properties.archive().resolve(day).resolve("index.html");
	}

	/** Writes the issue's page, with the personal parts made general; returns its path. */
	public Path write(Issue issue) {
		Path page = page(issue);
		String html = issue.bodyHtml()
			.replace(issue.placeholder(Issue.Personal.GREETING), "Hello,")
			.replace(issue.placeholder(Issue.Personal.UNSUBSCRIBE_URL),
					Entities.escape(properties.baseUrl().replaceAll("/+$", "") + "/unsubscribe"));
		try {
			Files.createDirectories(page.getParent());
			Files.writeString(page, html, StandardCharsets.UTF_8);
			return page;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the archive page " + page, ex);
		}
	}
}
