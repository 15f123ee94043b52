package org.newsletter.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

	private final NewsletterProperties.Fetch settings;

	/** Ends exchanges whose headers outlive the timeout: a server trickling bytes never trips a read timeout. */
	private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
		var thread = new Thread(task, "fetch-deadlines");
		thread.setDaemon(true);
		return thread;
	});

	public FeedFetcher(NewsletterProperties properties) {
		this.settings = properties.fetch();
	}

	@Override
	public void destroy() {
		deadlines.shutdownNow();
	}

	/** What a successful fetch returned; {@code url} is the address after redirects. */
	public record Body(String url, byte[] bytes, String contentType, String etag, String lastModified) {
	}

	/** The validators of the previous fetch, sent back for a conditional GET. */
	public record Validators(String etag, String lastModified) {

		public static final Validators NONE = new Validators(null, null);
	}

	/** A feed's deadline, {@code newsletter.fetch.timeout} from now: its fetch and its parse are done by then. */
	public Deadline deadline() {
		return Deadline.after(settings.timeout());
	}

	/**
	 * Fetches {@code url}; empty when the server answers 304 Not Modified.
	 * @throws FeedException with the reason when the feed cannot be had
	 */
	public Optional<Body> fetch(String url, Validators validators) throws FeedException {
		return fetch(url, validators, deadline());
	}

	/**
	 * Fetches {@code url} by {@code deadline}, redirects included; empty when the server answers
	 * 304 Not Modified.
	 * @throws FeedException with the reason when the feed cannot be had
	 */
	public Optional<Body> fetch(String url, Validators validators, Deadline deadline) throws FeedException {
		URI uri = parse(url);
		if ("file".equals(uri.getScheme())) {
			return Optional.of(readFile(uri));
		}
		for (int redirects = 0; redirects <= settings.maxRedirects(); redirects++) {
			Response response = send(uri, validators, deadline);
			int status = response.status();
			if (status == 304) {
				return Optional.empty();
			}
			if (status >= 300 && status < 400) {
				if (response.location() == null) {
					throw new FeedException("HTTP " + status + " without a Location header");
				}
				uri = parse(uri.resolve(response.location().strip()).toString());
				if ("file".equals(uri.getScheme())) {
					throw new FeedException("redirect to a file: URL refused");
				}
				continue;
			}
			if (status != 200) {
				throw new FeedException("HTTP " + status);
			}
			// decompressed, the body is bounded again (a small gzip can expand enormously)
			byte[] bytes = readBounded(decoded(response), Deadline.NONE);
			return Optional.of(new Body(uri.toString(), bytes, response.contentType(), response.etag(),
					response.lastModified()));
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

	/** What a server answered: the status, the headers used, and the raw body of a 200. */
	private record Response(int status, String location, String contentType, String contentEncoding, String etag,
			String lastModified, byte[] body) {
	}

	/**
	 * One request, its whole exchange (connect, headers, body) bounded by the timeout, so a
	 * server that trickles bytes cannot hold a fetch thread.
	 */
	private Response send(URI uri, Validators validators, Deadline deadline) throws FeedException {
		try {
			return sendOnce(uri, validators, deadline);
		}
		catch (FeedException ex) {
			// A kept-alive connection the server closed meanwhile fails before any response byte
			// arrives ("unexpected end of file", "connection reset"): one new try on a new connection.
			if (ex.getCause() instanceof IOException cause && !(cause instanceof SocketTimeoutException)
					&& !(cause instanceof ConnectException) && !ex.getMessage().startsWith(Deadline.TIMED_OUT)) {
				return sendOnce(uri, validators, deadline);
			}
			throw ex;
		}
	}

	/**
	 * One exchange over a blocking connection of the JDK's pool of kept-alive connections: far
	 * less work per feed than {@code java.net.http}, whose selector and executor threads took
	 * more CPU than parsing on a list of local feeds.
	 */
	private Response sendOnce(URI uri, Validators validators, Deadline deadline) throws FeedException {
		deadline.check();
		HttpURLConnection connection;
		try {
			connection = (HttpURLConnection) uri.toURL().openConnection();
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new FeedException("fetch failed: " + describe(ex), ex);
		}
		int timeout = (int) Math.min(Integer.MAX_VALUE, deadline.remainingMillis());
		connection.setConnectTimeout(timeout);
		connection.setReadTimeout(timeout);
		connection.setInstanceFollowRedirects(false);
		connection.setUseCaches(false);
		connection.setRequestProperty("User-Agent", settings.userAgent());
		connection.setRequestProperty("Accept",
				"application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1");
		connection.setRequestProperty("Accept-Encoding", "gzip, deflate");
		if (validators.etag() != null) {
			connection.setRequestProperty("If-None-Match", validators.etag());
		}
		if (validators.lastModified() != null) {
			connection.setRequestProperty("If-Modified-Since", validators.lastModified());
		}
		// Until the headers are in, a deadline disconnects the exchange; the body's reading then
		// checks the same deadline itself (closing a body's stream waits for a read in progress).
		var reading = new AtomicBoolean();
		ScheduledFuture<?> watchdog = deadlines.schedule(() -> {
			if (!reading.get()) {
				connection.disconnect();
			}
		}, timeout, TimeUnit.MILLISECONDS);
		try {
			int status = connection.getResponseCode();
			reading.set(true);
			byte[] body;
			if (status == 200) {
				body = readBounded(connection.getInputStream(), deadline);
			}
			else {
				// read out (bounded) and closed, so the connection can be kept alive
				InputStream error = connection.getErrorStream();
				body = new byte[0];
				if (error != null) {
					readBounded(error, deadline);
				}
			}
			deadline.check();
			return new Response(status, connection.getHeaderField("Location"), connection.getContentType(),
					connection.getContentEncoding(), connection.getHeaderField("ETag"),
					connection.getHeaderField("Last-Modified"), body);
		}
		catch (FeedException ex) {
			throw deadline.passed() && !ex.getMessage().startsWith(Deadline.TIMED_OUT) ? deadline.timedOut(ex) : ex;
		}
		catch (SocketTimeoutException ex) {
			boolean connecting = ex.getMessage() != null && ex.getMessage().contains("connect");
			throw connecting ? new FeedException("connection " + deadline.timedOut(ex).getMessage(), ex)
					: deadline.timedOut(ex);
		}
		catch (ConnectException ex) {
			throw new FeedException("connection refused", ex);
		}
		catch (IOException ex) {
			throw deadline.passed() ? deadline.timedOut(ex) : new FeedException("fetch failed: " + describe(ex), ex);
		}
		finally {
			watchdog.cancel(false);
		}
	}

	private InputStream decoded(Response response) throws FeedException {
		String encoding = response.contentEncoding() == null ? "" : response.contentEncoding().strip().toLowerCase(Locale.ROOT);
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
			return new Body(uri.toString(), readBounded(in, Deadline.NONE), null, null, null);
		}
		catch (NoSuchFileException ex) {
			throw new FeedException("no such file");
		}
		catch (IOException ex) {
			throw new FeedException("cannot read file: " + describe(ex), ex);
		}
	}

	/** Reads at most max-bytes, failing as soon as the stream goes past it, or past {@code deadline}. */
	private byte[] readBounded(InputStream in, Deadline deadline) throws FeedException {
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
				deadline.check();
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
