package org.newsletter.issue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.feed.EntryText;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Composes the issue of one job instance: the eligible entries grouped by source, capped,
 * rendered once and stored with the entries they carry.
 */
@Component
public class IssueComposer {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Eligibility eligibility;

	private final IssueRepository issues;

	private final IssueRenderer renderer;

	private final NewsletterProperties properties;

	private final Clock clock;

	public IssueComposer(Eligibility eligibility, IssueRepository issues, IssueRenderer renderer,
			NewsletterProperties properties, Clock clock) {
		this.eligibility = eligibility;
		this.issues = issues;
		this.renderer = renderer;
		this.properties = properties;
		this.clock = clock;
	}

	/** The outcome of composing: the issue, or why there is none. */
	public record Outcome(Optional<Issue> issue, int eligible, Eligibility.Window window, IssueRenderer.Budget budget) {
	}

	/**
	 * An issue composed but not stored.
	 *
	 * @param issue the issue with id 0, or none when too few entries are eligible
	 * @param entryIds the entries it carries
	 * @param budget how the email's size budget cut it
	 */
	public record Draft(Optional<Issue> issue, List<Long> entryIds, int eligible, Eligibility.Window window,
			IssueRenderer.Budget budget) {
	}

	/**
	 * Composes and stores the issue of {@code jobInstanceId}, or returns the one it already has
	 * (a restart reuses what was rendered before the failure). No issue when fewer entries
	 * than {@code min-entries} are eligible, unless {@code sendEmpty}.
	 */
	@Transactional
	public Outcome compose(long jobInstanceId, Instant cutoff, boolean dryRun, boolean sendEmpty) {
		Optional<Issue> existing = issues.findByJobInstance(jobInstanceId);
		if (existing.isPresent()) {
			Issue issue = existing.get();
			return new Outcome(existing, issue.entryCount(), new Eligibility.Window(issue.windowStart(), issue.cutoff()),
					IssueRenderer.Budget.NOT_RENDERED);
		}
		Draft draft = draft(jobInstanceId, cutoff, dryRun, sendEmpty);
		Optional<Issue> stored = draft.issue().map(issue -> issues.create(issue, draft.entryIds(), clock.instant()));
		return new Outcome(stored, draft.eligible(), draft.window(), draft.budget());
	}

	/**
	 * The issue {@link #compose} would store for {@code cutoff} now, without storing anything
	 * (the {@code preview} command).
	 */
	public Draft draft(long jobInstanceId, Instant cutoff, boolean dryRun, boolean sendEmpty) {
		var window = Eligibility.window(cutoff, eligibility.previousCutoff(cutoff), properties.lateness(),
				properties.firstRunLookback());
		List<Eligibility.Candidate> candidates = eligibility.candidates(window);
		if (candidates.size() < Math.max(1, properties.minEntries()) && !sendEmpty) {
			return new Draft(Optional.empty(), List.of(), candidates.size(), window, IssueRenderer.Budget.NOT_RENDERED);
		}
		String token = HexFormat.of().formatHex(RANDOM.generateSeed(12));
		IssueContent content = content(properties, window, candidates, issues.number(cutoff));
		var rendered = renderer.render(content, Issue.personalModel(token));
		List<Long> entryIds = content.sources().stream().flatMap(s -> s.entries().stream()).map(IssueContent.Entry::id).toList();
		var issue = new Issue(0, jobInstanceId, cutoff, window.start(), dryRun, "COMPOSED", rendered.subject(), token,
				rendered.html(), rendered.text(), entryIds.size(), content.sources().size());
		return new Draft(Optional.of(issue), entryIds, candidates.size(), window, rendered.budget());
	}

	/**
	 * Groups by source title (case-insensitive), newest first inside a group, capped per source;
	 * {@code number} is the issue's number.
	 */
	static IssueContent content(NewsletterProperties properties, Eligibility.Window window,
			List<Eligibility.Candidate> candidates, int number) {
		Map<Long, List<Eligibility.Candidate>> byFeed = candidates.stream()
			.collect(Collectors.groupingBy(Eligibility.Candidate::feedId, LinkedHashMap::new, Collectors.toList()));
		var dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
			.withLocale(properties.locale())
			.withZone(properties.timeZone());
		List<IssueContent.Source> sources = new ArrayList<>();
		for (List<Eligibility.Candidate> group : byFeed.values()) {
			List<Eligibility.Candidate> sorted = group.stream()
				.sorted(Comparator.comparing(Eligibility.Candidate::published).reversed()
					.thenComparing(Eligibility.Candidate::id))
				.toList();
			int cap = properties.maxEntriesPerSource();
			List<IssueContent.Entry> entries = sorted.stream()
				.limit(cap)
				.map(c -> new IssueContent.Entry(c.id(), displayTitle(c), c.link(), c.author(), dates.format(c.published()),
						summary(c, properties.summaryWords())))
				.toList();
			Eligibility.Candidate first = sorted.get(0);
			sources.add(new IssueContent.Source(first.source(), "source-" + first.feedId(), first.siteLink(), entries,
					Math.max(0, sorted.size() - cap)));
		}
		sources.sort(Comparator.comparing(IssueContent.Source::name, String.CASE_INSENSITIVE_ORDER)
			.thenComparing(IssueContent.Source::anchor));
		int count = sources.stream().mapToInt(s -> s.entries().size()).sum();
		String range = dates.format(window.start()) + " – " + dates.format(window.end());
		String base = properties.baseUrl().replaceAll("/+$", "");
		String archiveUrl = base + "/archive/" + DateTimeFormatter.ISO_LOCAL_DATE.withZone(properties.timeZone())
			.format(window.end()) + "/";
		return new IssueContent(properties.title(), number, range, sources, count, headlines(sources), List.of(), 0,
				archiveUrl, base, properties.footer().sender().strip());
	}

	/** How many headlines the subject and the preheader may use. */
	private static final int HEADLINES = 6;

	/**
	 * The titles that lead the subject and the preheader: the newest entry of each source, the
	 * sources with the fewest entries that week first (a blog that posts once a week is news, a
	 * site that posts daily is not), then by source order; then the other entries as listed.
	 */
	static List<String> headlines(List<IssueContent.Source> sources) {
		List<IssueContent.Source> rare = sources.stream()
			.filter(s -> !s.entries().isEmpty())
			.sorted(Comparator.comparingInt((IssueContent.Source s) -> s.entries().size() + s.more()))
			.toList();
		List<String> headlines = new ArrayList<>();
		rare.forEach(source -> headlines.add(source.entries().get(0).title()));
		sources.forEach(source -> source.entries().stream().skip(1).forEach(entry -> headlines.add(entry.title())));
		return List.copyOf(headlines.subList(0, Math.min(HEADLINES, headlines.size())));
	}

	/** An entry is stored with the title its feed gave, even none; a reader needs something to click. */
	private static String displayTitle(Eligibility.Candidate entry) {
		if (!entry.title().isBlank()) {
			return entry.title();
		}
		return entry.link() != null ? entry.link() : "(untitled)";
	}

	/**
	 * The entry's summary from its readable text ({@link EntryText#summary}), made from its HTML
	 * for an entry stored before the text was kept.
	 */
	private static String summary(Eligibility.Candidate entry, int words) {
		String text = entry.text() != null ? entry.text()
				: EntryText.of(Jsoup.parseBodyFragment(entry.contentHtml() == null ? "" : entry.contentHtml()));
		return EntryText.summary(text, entry.title(), words);
	}

	/**
	 * At most {@code words} words of the entry's readable text ({@link EntryText}), cut at a word
	 * boundary and then marked with an ellipsis.
	 */
	static String summary(String html, int words) {
		return EntryText.shorten(EntryText.of(Jsoup.parseBodyFragment(html == null ? "" : html)), words);
	}
}
