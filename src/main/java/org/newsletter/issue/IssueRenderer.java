package org.newsletter.issue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

	public IssueRenderer(NewsletterProperties properties) throws IOException {
		this.language = properties.locale().toLanguageTag();
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

	/** The three renderings of one issue. */
	public record Rendered(String subject, String html, String text) {
	}

	/** A personal part's placeholder (see {@link Issue#placeholder}). */
	private static final Pattern PLACEHOLDER = Pattern.compile("%%[0-9a-f]+\\.(?:attr\\.\\S+?|[A-Z_]+)%%");

	private static final int PERSONAL_WIDTH = 10;

	/** Longer subjects are cut: mail clients show far less, and the column holds 1,000. */
	private static final int MAX_SUBJECT = 250;

	/** Renders {@code content}; {@code personal} maps the personal parts to what stands for them. */
	public Rendered render(IssueContent content, Map<String, ?> personal) {
		Map<String, Object> model = Map.of("issue", content, "personal", personal, "lang", language);
		String subject = oneLine(process("subject.ftl", model));
		if (subject.length() > MAX_SUBJECT) {
			subject = subject.substring(0, MAX_SUBJECT - 1).strip() + "…";
		}
		// the two parts are independent: the text part is rendered beside the HTML part's inlining
		CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> wrap(process("issue.txt.ftl", model)));
		String html = CssInliner.inline(process("issue.html.ftlh", model));
		try {
			return new Rendered(subject, html, text.join());
		}
		catch (CompletionException ex) {
			throw ex.getCause() instanceof RuntimeException cause ? cause : ex;
		}
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
