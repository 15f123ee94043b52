package org.newsletter.web;

import org.jsoup.nodes.Entities;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The small HTML pages {@code serve} answers with, in one style. The headers every answer
 * carries (no sniffing, no referrer, no framing, the content security policy) are set by
 * {@link SecurityHeaders}.
 */
final class Pages {

	private Pages() {
	}

	/** Escapes text for HTML content and quoted attribute values. */
	static String escape(String text) {
		return Entities.escape(text);
	}

	/** A whole page; {@code title} is text, {@code body} is HTML already escaped. */
	static String page(String lang, String title, String body) {
		return """
				<!DOCTYPE html>
				<html lang="%s">
				<head>
				<meta charset="utf-8">
				<meta name="viewport" content="width=device-width, initial-scale=1">
				<meta name="robots" content="noindex">
				<title>%s</title>
				<style>
				body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #222; background: #fff; }
				button { font: inherit; padding: .5rem 1.2rem; border-radius: .3rem; border: 1px solid #555; background: #f4f4f4; cursor: pointer; }
				@media (prefers-color-scheme: dark) { body { color: #ddd; background: #111; } button { color: #ddd; background: #333; } }
				</style>
				</head>
				<body>
				<h1>%s</h1>
				%s
				</body>
				</html>
				""".formatted(escape(lang), escape(title), escape(title), body);
	}

	/** An answer with a page of ours, never cached (an unsubscribe page names its subscriber). */
	static ResponseEntity<String> answer(HttpStatusCode status, String lang, String title, String body) {
		return ResponseEntity.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.header("Cache-Control", "no-store")
			.body(page(lang, title, body));
	}
}
