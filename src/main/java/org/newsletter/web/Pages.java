package org.newsletter.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import org.jsoup.nodes.Entities;

/**
 * The small HTML pages {@code serve} answers with, and how every answer goes out: no caching,
 * no referrer (an unsubscribe address carries its token), no framing, no script.
 */
final class Pages {

	/** For pages of our own: inline style only, forms post back here. */
	static final String OWN_PAGES_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
			+ "frame-ancestors 'none'; base-uri 'none'";

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

	/** Sends an HTML page of ours with {@code status}; a HEAD request gets the headers only. */
	static void send(HttpExchange exchange, int status, String html) throws IOException {
		exchange.getResponseHeaders().set("Content-Security-Policy", OWN_PAGES_POLICY);
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		send(exchange, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
	}

	/** Sends {@code body} with the headers every answer carries. */
	static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		var headers = exchange.getResponseHeaders();
		headers.set("Content-Type", contentType);
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("Referrer-Policy", "no-referrer");
		headers.set("X-Frame-Options", "DENY");
		boolean head = "HEAD".equals(exchange.getRequestMethod());
		exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
		if (!head && body.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	/** A redirect (301 or 302) to {@code location}, a path made of checked segments. */
	static void redirect(HttpExchange exchange, int status, String location) throws IOException {
		exchange.getResponseHeaders().set("Location", location);
		send(exchange, status, "text/plain; charset=utf-8", new byte[0]);
	}

	/** 405 with the methods allowed. */
	static void methodNotAllowed(HttpExchange exchange, String allowed, String lang) throws IOException {
		exchange.getResponseHeaders().set("Allow", allowed);
		send(exchange, 405, page(lang, "Method not allowed", "<p>This address answers " + escape(allowed) + ".</p>"));
	}
}
