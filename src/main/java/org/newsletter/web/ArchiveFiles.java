package org.newsletter.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.newsletter.config.NewsletterProperties;

import org.springframework.core.io.FileSystemResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The archive folder as static files, read only and read at each request (an issue another
 * process publishes shows at once); the root and {@code archive} send to {@code archive/}. Each
 * path segment, as Spring MVC decoded it, must be a plain file name (letters, digits,
 * {@code . _ -}, not starting with a dot), so {@code ..}, encoded slashes and backslashes never
 * reach the file system, and the resolved file must still lie inside the folder with links
 * followed. A folder answers with its {@code index.html}; there are no listings.
 */
@Controller
class ArchiveFiles {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}");

	private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8", "xml",
			"application/atom+xml;charset=utf-8", "txt", "text/plain;charset=utf-8", "css", "text/css;charset=utf-8",
			"png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

	private final Path root;

	private final String lang;

	ArchiveFiles(NewsletterProperties properties) {
		this.root = properties.archive().toAbsolutePath().normalize();
		this.lang = properties.locale().toLanguageTag();
	}

	@GetMapping({ "/", "/archive" })
	ResponseEntity<Void> toArchive(HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.FOUND).header("Location", request.getContextPath() + "/archive/").build();
	}

	@GetMapping("/archive/**")
	ResponseEntity<?> file(HttpServletRequest request) throws IOException {
		PathContainer path = ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication();
		List<String> names = path.elements().stream()
			.filter(PathContainer.PathSegment.class::isInstance)
			.map(segment -> ((PathContainer.PathSegment) segment).valueToMatch())
			.toList();
		boolean folder = path.value().endsWith("/");
		List<String> inside = names.subList(1, names.size());
		String archive = request.getContextPath() + "/archive/";
		if (!inside.stream().allMatch(name -> NAME.matcher(name).matches() && !name.endsWith(".part"))) {
			return notFound(archive);
		}
		Path file = root;
		for (String name : inside) {
			file = file.resolve(name);
		}
		if (!file.normalize().startsWith(root) || !Files.exists(file) || !file.toRealPath().startsWith(root.toRealPath())) {
			return notFound(archive);
		}
		if (Files.isDirectory(file)) {
			if (!folder) {
				return ResponseEntity.status(HttpStatus.MOVED_PERMANENTLY)
					.header("Location", archive + String.join("/", inside) + "/")
					.build();
			}
			file = file.resolve("index.html");
		}
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			return notFound(archive);
		}
		String name = file.getFileName().toString();
		String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
		// Last-Modified set: Spring answers If-Modified-Since with 304 itself.
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType(TYPES.getOrDefault(extension, "application/octet-stream")))
			.lastModified(Files.getLastModifiedTime(file).toMillis())
			.cacheControl(CacheControl.noCache())
			.body(new FileSystemResource(file));
	}

	private ResponseEntity<String> notFound(String archive) {
		boolean empty = !Files.isDirectory(root);
		return Pages.answer(HttpStatus.NOT_FOUND, lang, "Not found", empty ? "<p>No issue has been sent yet.</p>"
				: "<p>There is no such page in the archive. <a href=\"" + Pages.escape(archive) + "\">All issues</a></p>");
	}
}
