package org.newsletter.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * The fields of a posted form ({@code application/x-www-form-urlencoded}), read by the request
 * thread itself rather than by the servlet container's parameter parsing, so that a body is
 * bounded in size and in time: longer than the limit is 413 (unread when its length says so),
 * not all there by the request timeout is 408 (a slow client holding a thread), shorter than
 * its length or not form-encoded is 400 or 415. Tomcat closes the connection after any of these.
 *
 * @param refused why the body was refused; null when it was read
 * @param fields each field's first value, by name
 */
record FormBody(HttpStatus refused, Map<String, String> fields) {

	/** Reads the form of {@code request}, by {@code timeout} from now. */
	static FormBody read(HttpServletRequest request, int maxBytes, Duration timeout) throws IOException {
		var body = new ByteArrayOutputStream();
		HttpStatus refused = readBody(request, maxBytes, System.nanoTime() + timeout.toNanos(), body);
		if (refused != null) {
			return refused(refused);
		}
		if (body.size() == 0) {
			return new FormBody(null, Map.of());
		}
		Charset charset;
		try {
			MediaType type = MediaType.parseMediaType(request.getContentType() == null ? "" : request.getContentType());
			if (!MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(type)) {
				return refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
			}
			charset = type.getCharset() != null ? type.getCharset() : StandardCharsets.UTF_8;
		}
		catch (IllegalArgumentException ex) {
			// not a media type (InvalidMediaTypeException), or a charset this JVM does not know
			return refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		}
		return parse(body.toString(charset), charset);
	}

	/**
	 * Reads {@code request}'s body to its end into {@code into}, by {@code deadline}
	 * ({@link System#nanoTime()}): 413 when it is longer than {@code maxBytes} (unread when its
	 * length says so), 408 when it has not all come by then (a slow client holding a thread), 400
	 * when it ended before its length; else null.
	 */
	static HttpStatus readBody(HttpServletRequest request, int maxBytes, long deadline, OutputStream into)
			throws IOException {
		long declared = request.getContentLengthLong();
		if (declared > maxBytes) {
			return HttpStatus.CONTENT_TOO_LARGE;
		}
		byte[] buffer = new byte[8192];
		long total = 0;
		try (InputStream in = request.getInputStream()) {
			// read() returns what has come, so the deadline is checked between a slow client's bytes
			for (int n; (n = in.read(buffer)) != -1;) {
				into.write(buffer, 0, n);
				total += n;
				if (total > maxBytes) {
					return HttpStatus.CONTENT_TOO_LARGE;
				}
				if (System.nanoTime() - deadline > 0 && total < declared) {
					return HttpStatus.REQUEST_TIMEOUT;
				}
			}
		}
		return total < declared ? HttpStatus.BAD_REQUEST : null;
	}

	/** {@code name=value&...} as a form encodes it ({@code +} a space, {@code %XX} a byte of {@code charset}). */
	static FormBody parse(String encoded, Charset charset) {
		Map<String, String> fields = new LinkedHashMap<>();
		try {
			for (String pair : encoded.split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int equals = pair.indexOf('=');
				String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), charset);
				String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), charset);
				fields.putIfAbsent(name, value);
			}
		}
		catch (IllegalArgumentException ex) {
			return refused(HttpStatus.BAD_REQUEST);
		}
		return new FormBody(null, fields);
	}

	private static FormBody refused(HttpStatus status) {
		return new FormBody(status, Map.of());
	}

	/** A field's value; empty when absent. */
	String field(String name) {
		return fields.getOrDefault(name, "");
	}
}
