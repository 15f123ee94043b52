package org.newsletter.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code serve} (the JDK's own: nothing more to start than a socket and a
 * few threads). Under the path of {@code newsletter.base-url} it answers {@code archive/...}
 * from the archive folder and {@code unsubscribe} with the unsubscribe page; the root sends to
 * the archive. Paths are percent-decoded once, strictly (malformed is 400), before anything
 * looks at them.
 */
public final class WebServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(WebServer.class);

	/** Longer than any page of ours takes to make and a client on a slow line takes to read it. */
	private static final int MAX_RESPONSE_SECONDS = 60;

	private final HttpServer server;

	private final ExecutorService pool;

	private final List<String> base;

	private final String basePath;

	private final ArchiveFiles archive;

	private final UnsubscribePage unsubscribe;

	private final String lang;

	private WebServer(HttpServer server, NewsletterProperties properties, UnsubscribePage unsubscribe) {
		this.server = server;
		this.basePath = URI.create(properties.baseUrl()).getRawPath().replaceAll("/+$", "");
		this.base = basePath.isEmpty() ? List.of() : segments(basePath).orElseThrow(
				() -> new IllegalArgumentException("newsletter.base-url has a malformed path: " + properties.baseUrl()));
		this.lang = properties.locale().toLanguageTag();
		this.archive = new ArchiveFiles(properties.archive(), lang);
		this.unsubscribe = unsubscribe;
		this.pool = requestThreads(properties.serve().threads());
		server.setExecutor(pool);
		server.createContext("/", this::handle);
	}

	/**
	 * Starts listening on {@code address} (port 0: any free one).
	 *
	 * @param report told one line per unsubscribe
	 */
	public static WebServer start(InetSocketAddress address, NewsletterProperties properties, UnsubscribeLinks links,
			SubscriberRepository subscribers, Clock clock, Consumer<String> report) throws IOException {
		limitSlowClients(properties.serve().requestTimeout());
		var page = new UnsubscribePage(links, subscribers, clock, properties.title(), properties.locale().toLanguageTag(),
				report);
		var web = new WebServer(HttpServer.create(address, 50), properties, page);
		web.server.start();
		return web;
	}

	/**
	 * The JDK server reads a request's headers and body on a thread of the executor, from the
	 * first byte on (seen on JDK 17.0.15: its dispatcher hands a connection over as soon as it is
	 * readable), so a client that trickles them holds that thread (slow-loris). Its own
	 * limits cut such a client off: a request (headers and body) must have arrived within
	 * {@code maxReqTime} seconds of its first byte, and the answer must be written within
	 * {@code maxRspTime} seconds of the request's last, or the connection is closed, which also
	 * ends a handler's blocked read (checked every second); a connection that says nothing, or
	 * nothing more after an answer, is closed after {@code idleInterval} seconds (checked every
	 * ten) without holding a thread meanwhile. They are system properties that
	 * {@code sun.net.httpserver.ServerConfig} reads once, when the first server of the JVM is
	 * created: in {@code serve} that is this one, so they are set just before it.
	 */
	private static void limitSlowClients(Duration requestTimeout) {
		long seconds = Math.max(1, requestTimeout.plusMillis(999).toSeconds());
		System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(seconds));
		System.setProperty("sun.net.httpserver.idleInterval", Long.toString(seconds));
		System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
	}

	/**
	 * Up to {@code max} threads, made as requests come and dropped after a minute idle. A request
	 * is handed over, never queued behind slow ones: with every thread busy the executor refuses
	 * it, and the JDK server closes that connection unanswered, until the request timeout frees
	 * a thread.
	 */
	private static ExecutorService requestThreads(int max) {
		var threads = new AtomicInteger();
		return new ThreadPoolExecutor(0, max, 1, TimeUnit.MINUTES, new SynchronousQueue<>(), task -> {
			var thread = new Thread(task, "serve-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}, new RefusedRequests(max));
	}

	/** Where it answers, e.g. {@code http://127.0.0.1:8080/}, with the base URL's path. */
	public URI url() {
		InetSocketAddress address = server.getAddress();
		String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
		return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + basePath + "/");
	}

	@Override
	public void close() {
		server.stop(1);
		pool.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try {
			route(exchange);
		}
		catch (IOException ex) {
			log.debug("answering {} failed", exchange.getRequestURI(), ex);
		}
		catch (RuntimeException ex) {
			log.error("answering {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), ex);
			Pages.send(exchange, 500, Pages.page(lang, "Something went wrong", "<p>Please try again later.</p>"));
		}
		finally {
			exchange.close();
		}
	}

	private void route(HttpExchange exchange) throws IOException {
		Optional<List<String>> path = segments(exchange.getRequestURI().getRawPath());
		if (path.isEmpty()) {
			Pages.send(exchange, 400, Pages.page(lang, "Bad request", "<p>That address is malformed.</p>"));
			return;
		}
		List<String> segments = path.get();
		if (segments.size() < base.size() || !segments.subList(0, base.size()).equals(base)) {
			notFound(exchange);
			return;
		}
		List<String> rest = segments.subList(base.size(), segments.size());
		if (rest.isEmpty() || rest.equals(List.of("")) || rest.equals(List.of("archive"))) {
			Pages.redirect(exchange, 302, basePath + "/archive/");
		}
		else if (rest.get(0).equals("archive")) {
			archive.serve(exchange, rest.subList(1, rest.size()), basePath + "/archive/");
		}
		else if (rest.equals(List.of("unsubscribe"))) {
			unsubscribe.handle(exchange);
		}
		else {
			notFound(exchange);
		}
	}

	private void notFound(HttpExchange exchange) throws IOException {
		Pages.send(exchange, 404, Pages.page(lang, "Not found", "<p>There is no such page. <a href=\""
				+ Pages.escape(basePath + "/archive/") + "\">All issues</a></p>"));
	}

	/**
	 * The segments of a raw path, each percent-decoded once as strict UTF-8; {@code "/a/"} is
	 * {@code [a, ""]}. Empty when the path is not absolute, a segment has a bad escape, invalid
	 * UTF-8 (overlong forms included) or a control character.
	 */
	static Optional<List<String>> segments(String rawPath) {
		if (rawPath == null || !rawPath.startsWith("/")) {
			return Optional.empty();
		}
		List<String> segments = new ArrayList<>();
		for (String raw : rawPath.substring(1).split("/", -1)) {
			Optional<String> segment = decode(raw);
			if (segment.isEmpty() || segment.get().chars().anyMatch(Character::isISOControl)) {
				return Optional.empty();
			}
			segments.add(segment.get());
		}
		return Optional.of(segments);
	}

	private static Optional<String> decode(String raw) {
		var bytes = new ByteArrayOutputStream();
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c == '%') {
				int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
				int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
				if (high < 0 || low < 0) {
					return Optional.empty();
				}
				bytes.write(high * 16 + low);
				i += 2;
			}
			else if (c > 0x20 && c < 0x7f) {
				bytes.write(c);
			}
			else {
				return Optional.empty();
			}
		}
		try {
			return Optional.of(StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString());
		}
		catch (CharacterCodingException ex) {
			return Optional.empty();
		}
	}
}
