package org.newsletter.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import org.newsletter.config.NewsletterProperties;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Fetches a feed's bytes: {@code http}, {@code https} or {@code file} only, bounded in time,
 * size and redirects, with gzip/deflate and conditional GET.
 */
@Component
public class FeedFetcher implements DisposableBean {

	private static final Set<String> SCHEMES = Set.of("http", "https", "file");

	private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)$");

	private final HttpClient client;

	private final NewsletterProperties.Fetch settings;

	public FeedFetcher(NewsletterProperties properties) {
		this.settings = properties.fetch();
		this.client = HttpClient.newBuilder()
			.connectTimeout(settings.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * Stops the client's selector thread. It waits in native code, and the JVM waits 300 ms at
	 * exit for such threads; Java 21's {@code HttpClient.close()} stops it, and on Java 17 an
	 * interrupt does (its name carries the client's id, which the client's {@code toString()}
	 * ends with).
	 */
	@Override
	public void destroy() throws Exception {
		if (client instanceof AutoCloseable closeable) {
			closeable.close();
			return;
		}
		Matcher id = CLIENT_ID.matcher(client.toString());
		if (id.find()) {
			String selector = "HttpClient-" + id.group(1) + "-SelectorManager";
			Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(selector)).forEach(Thread::interrupt);
		}
	}

	/** What a successful fetch returned; {@code url} is the address after redirects. */
	public record Body(String url, byte[] bytes, String contentType, String etag, String lastModified) {
	}

	/** The validators of the previous fetch, sent back for a conditional GET. */
	public record Validators(String etag, String lastModified) {

		public static final Validators NONE = new Validators(null, null);
	}

	/**
	 * Fetches {@code url}; empty when the server answers 304 Not Modified.
	 * @throws FeedException with the reason when the feed cannot be had
	 */
	public Optional<Body> fetch(String url, Validators validators) throws FeedException {
		URI uri = parse(url);
		if ("file".equals(uri.getScheme())) {
			return Optional.of(readFile(uri));
		}
		for (int redirects = 0; redirects <= settings.maxRedirects(); redirects++) {
			HttpResponse<byte[]> response = send(uri, validators);
			int status = response.statusCode();
			if (status == 304) {
				return Optional.empty();
			}
			if (status >= 300 && status < 400) {
				String location = response.headers().firstValue("Location")
					.orElseThrow(() -> new FeedException("HTTP " + status + " without a Location header"));
				uri = parse(uri.resolve(location.strip()).toString());
				if ("file".equals(uri.getScheme())) {
					throw new FeedException("redirect to a file: URL refused");
				}
				continue;
			}
			if (status != 200) {
				throw new FeedException("HTTP " + status);
			}
			// decompressed, the body is bounded again (a small gzip can expand enormously)
			byte[] bytes = readBounded(decoded(response));
			var headers = response.headers();
			return Optional.of(new Body(uri.toString(), bytes, headers.firstValue("Content-Type").orElse(null),
					headers.firstValue("ETag").orElse(null), headers.firstValue("Last-Modified").orElse(null)));
		}
		throw new FeedException("more than " + settings.maxRedirects() + " redirects");
	}

	private URI parse(String url) throws FeedException {
		URI uri;
		try {
			uri = new URI(url.strip());
		}
		catch (URISyntaxException ex) {
			throw new FeedException("not a URL: " + ex.getReason());
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!SCHEMES.contains(scheme)) {
			throw new FeedException("unsupported URL scheme '" + scheme + "' (only http, https and file)");
		}
		return uri;
	}

	/**
	 * One request, its whole exchange (connect, headers, body) bounded by the timeout, so a
	 * server that trickles bytes cannot hold a fetch thread.
	 */
	private HttpResponse<byte[]> send(URI uri, Validators validators) throws FeedException {
		try {
			return sendOnce(uri, validators);
		}
		catch (FeedException ex) {
			// A kept-alive connection the server closed meanwhile fails before any response byte
			// arrives ("received no bytes", "connection reset"): one new try on a new connection.
			if (ex.getCause() instanceof IOException cause && !(cause instanceof HttpTimeoutException)
					&& !(cause instanceof ConnectException)) {
				return sendOnce(uri, validators);
			}
			throw ex;
		}
	}

	private HttpResponse<byte[]> sendOnce(URI uri, Validators validators) throws FeedException {
		var request = HttpRequest.newBuilder(uri)
			.timeout(settings.timeout())
			.header("User-Agent", settings.userAgent())
			.header("Accept", "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1")
			.header("Accept-Encoding", "gzip, deflate");
		if (validators.etag() != null) {
			request.header("If-None-Match", validators.etag());
		}
		if (validators.lastModified() != null) {
			request.header("If-Modified-Since", validators.lastModified());
		}
		var exchange = client.sendAsync(request.GET().build(), info -> info.statusCode() == 200
				? new BoundedBody(settings.maxBytes())
				: HttpResponse.BodySubscribers.replacing(new byte[0]));
		try {
			return exchange.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			exchange.cancel(true);
			throw new FeedException("timed out after " + settings.timeout().toSeconds() + " s", ex);
		}
		catch (InterruptedException ex) {
			exchange.cancel(true);
			Thread.currentThread().interrupt();
			throw new FeedException("interrupted", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof BoundedBody.TooLarge) {
				throw new FeedException(cause.getMessage());
			}
			if (cause instanceof HttpConnectTimeoutException) {
				throw new FeedException("connection timed out after " + settings.timeout().toSeconds() + " s", cause);
			}
			if (cause instanceof HttpTimeoutException) {
				throw new FeedException("timed out after " + settings.timeout().toSeconds() + " s", cause);
			}
			if (cause instanceof ConnectException) {
				throw new FeedException("connection refused", cause);
			}
			throw new FeedException("fetch failed: " + describe(cause), cause);
		}
	}

	private InputStream decoded(HttpResponse<byte[]> response) throws FeedException {
		String encoding = response.headers().firstValue("Content-Encoding").orElse("").strip().toLowerCase(Locale.ROOT);
		var body = new java.io.ByteArrayInputStream(response.body());
		try {
			return switch (encoding) {
				case "gzip", "x-gzip" -> new GZIPInputStream(body);
				case "deflate" -> new InflaterInputStream(body);
				default -> body;
			};
		}
		catch (IOException ex) {
			throw new FeedException("bad " + encoding + " body: " + describe(ex), ex);
		}
	}

	private Body readFile(URI uri) throws FeedException {
		Path path;
		try {
			path = Path.of(uri);
		}
		catch (IllegalArgumentException ex) {
			throw new FeedException("bad file URL: " + ex.getMessage());
		}
		try (InputStream in = Files.newInputStream(path)) {
			return new Body(uri.toString(), readBounded(in), null, null, null);
		}
		catch (NoSuchFileException ex) {
			throw new FeedException("no such file");
		}
		catch (IOException ex) {
			throw new FeedException("cannot read file: " + describe(ex), ex);
		}
	}

	/** Reads at most max-bytes, failing as soon as the stream goes past it. */
	private byte[] readBounded(InputStream in) throws FeedException {
		long max = settings.maxBytes();
		var out = new ByteArrayOutputStream();
		byte[] buffer = new byte[16 * 1024];
		try (in) {
			int n;
			while ((n = in.read(buffer)) != -1) {
				if (out.size() + (long) n > max) {
					throw new FeedException("larger than the limit of " + max + " bytes");
				}
				out.write(buffer, 0, n);
			}
		}
		catch (IOException ex) {
			throw new FeedException("download failed: " + describe(ex), ex);
		}
		return out.toByteArray();
	}

	static String describe(Throwable ex) {
		String message = ex.getMessage();
		return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message.strip();
	}
}
