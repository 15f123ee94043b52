package org.newsletter.issue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import org.newsletter.config.NewsletterProperties;

import org.springframework.stereotype.Component;

/**
 * Renders an issue with the FreeMarker templates: {@code issue.html.ftlh} (auto-escaped HTML,
 * its stylesheet then inlined by {@link CssInliner}), {@code issue.txt.ftl} (plain text,
 * wrapped at 72 columns) and {@code subject.ftl}. The templates folder is read first, the
 * jar's copies where a file is missing.
 */
@Component
public class IssueRenderer {

	static final int TEXT_WIDTH = 72;

	/** A numbered link reference of the text part, such as "[12]". */
	private static final Pattern REFERENCE = Pattern.compile("\\[\\d+\\]");

	private final Configuration freemarker;

	private final String language;

	private final int maxHtmlBytes;

	public IssueRenderer(NewsletterProperties properties) throws IOException {
		this.language = properties.locale().toLanguageTag();
		this.maxHtmlBytes = properties.email().maxHtmlBytes();
		this.freemarker = new Configuration(Configuration.VERSION_2_3_34);
		List<TemplateLoader> loaders = new ArrayList<>();
		if (Files.isDirectory(properties.templatesDir())) {
			loaders.add(new FileTemplateLoader(properties.templatesDir().toFile()));
		}
		loaders.add(new ClassTemplateLoader(IssueRenderer.class, "/templates"));
		freemarker.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
		freemarker.setDefaultEncoding("UTF-8");
		freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
		freemarker.setLogTemplateExceptions(false);
		freemarker.setWrapUncheckedExceptions(true);
		freemarker.setFallbackOnNullLoopVariable(false);
	}

	/** The three renderings of one issue, and how the size budget cut them. */
	public record Rendered(String subject, String html, String text, Budget budget) {

		public Rendered(String subject, String html, String text) {
			this(subject, html, text, Budget.NOT_RENDERED);
		}
	}

	/**
	 * How the email's size budget ({@code newsletter.email.max-html-bytes}) met an issue.
	 *
	 * @param entries the issue's entries
	 * @param full those shown in full
	 * @param briefs those shown as linked titles only
	 * @param webOnly those only in the web version
	 * @param htmlBytes the HTML part's bytes as sent (see {@link IssueRenderer#sentBytes})
	 * @param limit the budget; 0 when none applied
	 */
	public record Budget(int entries, int full, int briefs, int webOnly, int htmlBytes, int limit) {

		/** An issue not rendered here (a restart reuses the stored one). */
		public static final Budget NOT_RENDERED = new Budget(0, 0, 0, 0, 0, 0);

		public boolean cut() {
			return briefs > 0 || webOnly > 0;
		}

		/** What the operator is told when the budget cut the email, e.g. by {@code run} and {@code preview}; empty otherwise. */
		public String report() {
			return !cut() ? "" : String.format(Locale.ROOT, "the email holds %d of %d entries in full and %d as titles only, "
					+ "%d only in the web version, to stay within newsletter.email.max-html-bytes (%,d bytes as sent; "
					+ "Gmail clips a longer one)", full, entries, briefs, webOnly, limit);
		}
	}

	/** A personal part's placeholder (see {@link Issue#placeholder}). */
	private static final Pattern PLACEHOLDER = Pattern.compile("%%[0-9a-f]+\\.(?:attr\\.\\S+?|[A-Z_]+)%%");

	private static final int PERSONAL_WIDTH = 10;

	/** Longer subjects are cut: mail clients show far less, and the column holds 1,000. */
	private static final int MAX_SUBJECT = 250;

	/**
	 * Renders {@code content} as the email, its HTML part within {@code newsletter.email.max-html-bytes}
	 * as sent: when the whole issue would be larger, the entries past what fits are listed as
	 * linked titles, and past those counted in a link to the web version; the text part lists
	 * the same. {@code personal} maps the personal parts to what stands for them.
	 */
	public Rendered render(IssueContent content, Map<String, ?> personal) {
		Map<String, Object> base = Map.of("personal", personal, "lang", language);
		String whole = html(content, base);
		int bytes = sentBytes(whole);
		int entries = content.fullCount();
		if (bytes <= maxHtmlBytes) {
			return render(content, base, whole, new Budget(entries, entries, 0, 0, bytes, maxHtmlBytes));
		}
		// the most entries in full with the rest as titles; failing that, the most titles. Each
		// entry costs more than its title, so no more than entries x budget / whole fit in full.
		int full = largest(0, (int) ((long) entries * maxHtmlBytes / bytes), f -> fits(content.cut(f, entries - f), base));
		int briefs = full > 0 || fits(content.cut(0, entries), base) ? entries - full
				: largest(0, entries, b -> fits(content.cut(0, b), base));
		IssueContent cut = content.cut(full, briefs);
		String html = html(cut, base);
		if (sentBytes(html) > maxHtmlBytes) {
			throw new IllegalStateException("the email without any entry takes " + sentBytes(html) + " bytes as sent, more "
					+ "than newsletter.email.max-html-bytes (" + maxHtmlBytes + "): raise it or shorten issue.html.ftlh");
		}
		return render(cut, base, html, new Budget(entries, full, briefs, entries - full - briefs, sentBytes(html), maxHtmlBytes));
	}

	/** Renders {@code content} whole, whatever its size: the web version (the archive page). */
	public Rendered renderWhole(IssueContent content, Map<String, ?> personal) {
		Map<String, Object> base = Map.of("personal", personal, "lang", language);
		String html = html(content, base);
		int entries = content.fullCount();
		return render(content, base, html, new Budget(entries, entries, 0, 0, sentBytes(html), 0));
	}

	private Rendered render(IssueContent content, Map<String, Object> base, String html, Budget budget) {
		Map<String, Object> model = model(content, base);
		String subject = oneLine(process("subject.ftl", model));
		if (subject.length() > MAX_SUBJECT) {
			subject = subject.substring(0, MAX_SUBJECT - 1).strip() + "…";
		}
		return new Rendered(subject, html, wrap(process("issue.txt.ftl", model)), budget);
	}

	private String html(IssueContent content, Map<String, Object> base) {
		return CssInliner.inline(process("issue.html.ftlh", model(content, base)));
	}

	private boolean fits(IssueContent content, Map<String, Object> base) {
		return sentBytes(html(content, base)) <= maxHtmlBytes;
	}

	private static Map<String, Object> model(IssueContent content, Map<String, Object> base) {
		Map<String, Object> model = new HashMap<>(base);
		model.put("issue", content);
		return model;
	}

	/** The largest n in [low, high] for which {@code fits} holds, {@code fits(low)} taken as true. */
	private static int largest(int low, int high, IntPredicate fits) {
		while (low < high) {
			int middle = (low + high + 1) >>> 1;
			if (fits.test(middle)) {
				low = middle;
			}
			else {
				high = middle - 1;
			}
		}
		return low;
	}

	/** What a personal part's placeholder is counted as: an unsubscribe link, or a name, at their longest. */
	private static final int PERSONAL_URL_BYTES = 256;

	private static final int PERSONAL_BYTES = 96;

	/** A personal part's placeholder, whatever its token. */
	private static final Pattern ANY_PLACEHOLDER = Pattern.compile("%%[0-9a-z]+\\.(attr\\.[^%]{1,200}|[A-Z_]+)%%");

	/**
	 * The bytes of {@code html} as the HTML part of a message: UTF-8 in quoted-printable (as
	 * {@code EncodedBody} sends it: "=", non-ASCII and control bytes take three, lines end in CRLF
	 * and are broken every 76 columns), each personal part at its longest. Gmail's clipping
	 * counts the part as received, so this is the figure the budget bounds.
	 */
	static int sentBytes(String html) {
		Matcher placeholders = ANY_PLACEHOLDER.matcher(html);
		int personal = 0;
		StringBuilder fixed = new StringBuilder(html.length());
		int at = 0;
		while (placeholders.find()) {
			fixed.append(html, at, placeholders.start());
			personal += "UNSUBSCRIBE_URL".equals(placeholders.group(1)) ? PERSONAL_URL_BYTES : PERSONAL_BYTES;
			at = placeholders.end();
		}
		fixed.append(html, at, html.length());
		long total = personal;
		int column = 0;
		for (byte b : fixed.toString().getBytes(StandardCharsets.UTF_8)) {
			if (b == '\n') {
				total += 2;
				column = 0;
				continue;
			}
			int width = (b >= 32 && b < 127 && b != '=') || b == '\t' ? 1 : 3;
			if (column + width > 75) {
				total += 3; // a soft line break
				column = 0;
			}
			total += width;
			column += width;
		}
		return (int) Math.min(Integer.MAX_VALUE, total);
	}

	private String process(String name, Map<String, Object> model) {
		try {
			var out = new StringWriter();
			freemarker.getTemplate(name).process(model, out);
			return out.toString();
		}
		catch (IOException | TemplateException ex) {
			throw new IllegalStateException("template " + name + " failed: " + ex.getMessage(), ex);
		}
	}

	private static String oneLine(String text) {
		return text.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", " ").replaceAll("\\s+", " ").strip();
	}

	/**
	 * Wraps each line longer than 72 columns at spaces, keeping its indentation; URLs are never
	 * cut, and a link reference ("[3]") stays on the line of the word before it (or after it,
	 * when it starts the line).
	 */
	static String wrap(String text) {
		var out = new StringBuilder();
		for (String line : text.split("\n", -1)) {
			if (out.length() > 0) {
				out.append('\n');
			}
			out.append(wrapLine(line.stripTrailing()));
		}
		return out.toString().replaceAll("\n{3,}", "\n\n").replaceAll("^\n+", "").stripTrailing() + "\n";
	}

	private static String wrapLine(String line) {
		if (width(line) <= TEXT_WIDTH) {
			return line;
		}
		String lead = line.substring(0, line.length() - line.stripLeading().length());
		// a bullet's continuation lines hang under its text
		String hang = line.stripLeading().startsWith("* ") ? lead + "  " : lead;
		var out = new StringBuilder();
		var current = new StringBuilder(lead);
		int currentWidth = lead.length();
		boolean empty = true;
		for (String word : words(line.strip())) {
			int wordWidth = width(word);
			if (!empty && currentWidth + 1 + wordWidth > TEXT_WIDTH) {
				out.append(current).append('\n');
				current = new StringBuilder(hang);
				currentWidth = hang.length();
				empty = true;
			}
			current.append(empty ? "" : " ").append(word);
			currentWidth += (empty ? 0 : 1) + wordWidth;
			empty = false;
		}
		return out.append(current).toString();
	}

	/**
	 * The columns {@code text} takes once sent: a personal part's placeholder counts as
	 * {@value #PERSONAL_WIDTH}, about a name's width, rather than its own length.
	 */
	private static int width(String text) {
		if (text.indexOf('%') < 0) {
			return text.length();
		}
		Matcher placeholders = PLACEHOLDER.matcher(text);
		int width = text.length();
		while (placeholders.find()) {
			width -= placeholders.end() - placeholders.start() - PERSONAL_WIDTH;
		}
		return width;
	}

	private static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		boolean glueNext = false;
		for (String word : text.split(" +")) {
			boolean reference = REFERENCE.matcher(word).matches();
			if (glueNext || (reference && !words.isEmpty())) {
				words.set(words.size() - 1, words.get(words.size() - 1) + " " + word);
				glueNext = false;
			}
			else {
				words.add(word);
				glueNext = reference;
			}
		}
		return words;
	}
}
