package org.newsletter.issue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.jayway.jsonpath.JsonPath;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.feed.FeedException;
import org.newsletter.feed.FeedFetcher;
import org.newsletter.feed.FeedParser;
import org.newsletter.feed.ParsedFeed;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The issue of the first planet fixture run (fixtures/README.md): the march-20 feeds with the
 * cutoff 2026-03-21T00:00:00Z on a fresh database, 24 entries from 13 sources, rendered as
 * the composer does and personalised as the message factory does, without a database.
 */
final class FixtureIssue {

	static final Instant CUTOFF = Instant.parse("2026-03-21T00:00:00Z");

	static final String GREETING = "Hello Ada,";

	static final String UNSUBSCRIBE_URL = "https://newsletter.example/unsubscribe?token=7.fixture";

	private static final String TOKEN = "fixture";

	private FixtureIssue() {
	}

	/** Settings with the defaults of the application, the given ones changed. */
	static NewsletterProperties properties(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("newsletter",
				NewsletterProperties.class);
	}

	/** English dates in UTC, the defaults otherwise. */
	static NewsletterProperties properties() {
		return properties(Map.of("newsletter.locale", "en", "newsletter.time-zone", "UTC"));
	}

	/** What the issue says. */
	static IssueContent content(NewsletterProperties properties) {
		var window = Eligibility.window(CUTOFF, Optional.empty(), properties.lateness(), properties.firstRunLookback());
		return IssueComposer.content(properties, window, candidates(window), 1);
	}

	/**
	 * The demo's issue (batch-config/demo: the march-24 feeds, cutoff 2026-03-24T08:00:00Z, a
	 * first run): 33 entries from 16 sources.
	 */
	static IssueContent demoContent(NewsletterProperties properties) {
		Instant cutoff = Instant.parse("2026-03-24T08:00:00Z");
		var window = Eligibility.window(cutoff, Optional.empty(), properties.lateness(), properties.firstRunLookback());
		List<Eligibility.Candidate> candidates = new ArrayList<>();
		var parser = new FeedParser(org.newsletter.config.TestProperties.of(Map.of()));
		try (var files = Files.list(Path.of("batch-config/demo/feeds"))) {
			long feedId = 0;
			for (Path file : files.sorted().toList()) {
				candidates(parser, file, ++feedId, file.getFileName().toString(), window, candidates);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return IssueComposer.content(properties, window, candidates, 1);
	}

	/**
	 * A big issue: {@code sources} sources of {@code perSource} entries each, their titles and
	 * texts taken in turn from the demo's entries, so that they cost what real entries cost.
	 */
	static IssueContent bigContent(NewsletterProperties properties, int sources, int perSource) {
		List<IssueContent.Entry> demo = demoContent(properties).sources().stream().flatMap(s -> s.entries().stream()).toList();
		List<Eligibility.Candidate> candidates = new ArrayList<>();
		for (int source = 0; source < sources; source++) {
			for (int i = 0; i < perSource; i++) {
				IssueContent.Entry model = demo.get(candidates.size() % demo.size());
				int id = candidates.size() + 1;
				candidates.add(new Eligibility.Candidate(id, source + 1, "Source %03d".formatted(source + 1),
						"https://source-%03d.example/".formatted(source + 1), model.title() + " (" + id + ")",
						"https://source-%03d.example/posts/%d".formatted(source + 1, id), "Author " + (source + 1),
						CUTOFF.minusSeconds(3600L * (i + 1)), model.summary(), null));
			}
		}
		var window = Eligibility.window(CUTOFF, Optional.empty(), properties.lateness(), properties.firstRunLookback());
		return IssueComposer.content(properties, window, candidates, 12);
	}

	/** The issue rendered once, then personalised for Ada. */
	static IssueRenderer.Rendered rendered(NewsletterProperties properties) {
		return rendered(properties, content(properties));
	}

	/** {@code content} rendered as the email, then personalised for Ada. */
	static IssueRenderer.Rendered rendered(NewsletterProperties properties, IssueContent content) {
		try {
			var rendered = new IssueRenderer(properties).render(content, personalModel());
			return new IssueRenderer.Rendered(rendered.subject(), personal(rendered.html()), personal(rendered.text()),
					rendered.budget());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code content} rendered whole, as the web version, then personalised as the archive does. */
	static String webVersion(NewsletterProperties properties, IssueContent content) {
		try {
			return personal(new IssueRenderer(properties).renderWhole(content, personalModel()).html());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, Object> personalModel() {
		return Map.of("greeting", Issue.placeholder(TOKEN, Issue.Personal.GREETING),
				"unsubscribeUrl", Issue.placeholder(TOKEN, Issue.Personal.UNSUBSCRIBE_URL));
	}

	private static String personal(String body) {
		// neither value needs HTML escaping, so the HTML and the text are filled alike
		return body.replace(Issue.placeholder(TOKEN, Issue.Personal.GREETING), GREETING)
			.replace(Issue.placeholder(TOKEN, Issue.Personal.UNSUBSCRIBE_URL), UNSUBSCRIBE_URL);
	}

	/** The dated entries of every march-20 feed inside the window, as the database would hand them out. */
	private static List<Eligibility.Candidate> candidates(Eligibility.Window window) {
		List<Map<String, Object>> manifest;
		try {
			manifest = JsonPath.read(fixture("manifest.json").toFile(), "$.feeds");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		var parser = new FeedParser(org.newsletter.config.TestProperties.of(Map.of()));
		List<Eligibility.Candidate> candidates = new ArrayList<>();
		long feedId = 0;
		for (Map<String, Object> feed : manifest) {
			feedId++;
			String file = ((String) feed.get("file")).replace("feeds/", "");
			candidates(parser, fixture("march-20/feeds/" + file), feedId, (String) feed.get("source"), window, candidates);
		}
		return candidates;
	}

	private static void candidates(FeedParser parser, Path file, long feedId, String name, Eligibility.Window window,
			List<Eligibility.Candidate> candidates) {
		ParsedFeed parsed = parse(parser, file);
		String source = parsed.title().isEmpty() ? name : parsed.title();
		for (ParsedFeed.Entry entry : parsed.entries()) {
			// the window as Eligibility.candidates applies it: open at its start, closed at its end
			if (entry.published() != null && entry.published().isAfter(window.start())
					&& !entry.published().isAfter(window.end())) {
				candidates.add(new Eligibility.Candidate(candidates.size() + 1, feedId, source, parsed.siteLink(),
						entry.title(), entry.link(), entry.author(), entry.published(), entry.text(), entry.contentHtml()));
			}
		}
	}

	private static ParsedFeed parse(FeedParser parser, Path file) {
		try {
			String url = "https://planet.example/feeds/" + file.getFileName();
			return parser.parse(new FeedFetcher.Body(url, Files.readAllBytes(file), "application/xml", null, null));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (FeedException ex) {
			throw new IllegalStateException(file + ": " + ex.getMessage(), ex);
		}
	}

	private static Path fixture(String path) {
		try {
			return Path.of(FixtureIssue.class.getResource("/fixtures/planet/" + path).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
