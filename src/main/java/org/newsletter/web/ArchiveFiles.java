package org.newsletter.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;

/**
 * The archive folder as static files, read only. A request names files by path segments that
 * were percent-decoded once; each must be a plain file name (letters, digits, {@code . _ -},
 * not starting with a dot), so {@code ..}, encoded slashes and backslashes never reach the file
 * system, and the resolved file must still lie inside the folder with links followed. A folder
 * answers with its {@code index.html}; there are no listings.
 */
final class ArchiveFiles {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}");

	private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "xml",
			"application/atom+xml; charset=utf-8", "txt", "text/plain; charset=utf-8", "css", "text/css; charset=utf-8",
			"png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

	/** Archived issues carry feed HTML (cleaned): no script, no plugin, no framing, images from anywhere. */
	private static final String ARCHIVE_POLICY = "default-src 'none'; img-src http: https: data:; "
			+ "style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	private final Path root;

	private final String lang;

	ArchiveFiles(Path root, String lang) {
		this.root = root.toAbsolutePath().normalize();
		this.lang = lang;
	}

	/**
	 * Answers a request for {@code names} under the archive, whose address is {@code url}
	 * (ending in a slash); an empty last name stands for a trailing slash.
	 */
	void serve(HttpExchange exchange, List<String> names, String url) throws IOException {
		if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
			Pages.methodNotAllowed(exchange, "GET, HEAD", lang);
			return;
		}
		boolean folder = names.isEmpty() || names.get(names.size() - 1).isEmpty();
		List<String> path = folder && !names.isEmpty() ? names.subList(0, names.size() - 1) : names;
		if (!path.stream().allMatch(name -> NAME.matcher(name).matches() && !name.endsWith(".part"))) {
			notFound(exchange, url);
			return;
		}
		Path file = root;
		for (String name : path) {
			file = file.resolve(name);
		}
		if (!file.normalize().startsWith(root) || !Files.exists(file) || !inside(file)) {
			notFound(exchange, url);
			return;
		}
		if (Files.isDirectory(file)) {
			if (!folder) {
				Pages.redirect(exchange, 301, url + String.join("/", path) + "/");
				return;
			}
			file = file.resolve("index.html");
		}
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			notFound(exchange, url);
			return;
		}
		send(exchange, file);
	}

	/** The file, links resolved, is still inside the archive folder. */
	private boolean inside(Path file) throws IOException {
		return file.toRealPath().startsWith(root.toRealPath());
	}

	private void send(HttpExchange exchange, Path file) throws IOException {
		Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
		var headers = exchange.getResponseHeaders();
		headers.set("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atOffset(ZoneOffset.UTC)));
		headers.set("Cache-Control", "no-cache");
		headers.set("Content-Security-Policy", ARCHIVE_POLICY);
		String name = file.getFileName().toString();
		String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
		String type = TYPES.getOrDefault(extension, "application/octet-stream");
		if (notModifiedSince(exchange.getRequestHeaders().getFirst("If-Modified-Since"), modified)) {
			Pages.send(exchange, 304, type, new byte[0]);
			return;
		}
		Pages.send(exchange, 200, type, Files.readAllBytes(file));
	}

	private static boolean notModifiedSince(String header, Instant modified) {
		if (header == null) {
			return false;
		}
		try {
			return !modified.isAfter(ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
		}
		catch (DateTimeParseException ex) {
			return false;
		}
	}

	private void notFound(HttpExchange exchange, String url) throws IOException {
		boolean empty = !Files.isDirectory(root);
		Pages.send(exchange, 404, Pages.page(lang, "Not found", empty ? "<p>No issue has been sent yet.</p>"
				: "<p>There is no such page in the archive. <a href=\"" + Pages.escape(url) + "\">All issues</a></p>"));
	}
}
