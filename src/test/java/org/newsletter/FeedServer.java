package org.newsletter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on loopback for feed tests: serves the files of a folder under
 * {@code /feeds/}, with ETag validators and 304 answers to conditional GETs, records every
 * request, and takes extra handlers for misbehaving feeds.
 */
public final class FeedServer implements AutoCloseable {

	/**
	 * One request as the server saw it. It is recorded as it arrives, before it is answered: a
	 * client that has read its answer always finds its request here (recorded after the answer,
	 * a test could look before the server's thread had added it).
	 */
	public record Request(String path, Headers headers, HttpExchange exchange) {

		/** The status it was answered with (-1 before it was). */
		public int status() {
			return exchange.getResponseCode();
		}
	}

	private final HttpServer server;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final Map<String, byte[]> overrides = new ConcurrentHashMap<>();

	private volatile Path folder;

	public FeedServer(Path folder) {
		this.folder = folder;
		try {
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		server.setExecutor(Executors.newCachedThreadPool());
		server.createContext("/feeds/", this::serveFile);
		server.start();
	}

	/** Serves the files of another folder from now on (the next snapshot). */
	public void serve(Path folder) {
		this.folder = folder;
	}

	/** Adds a handler for {@code path}, e.g. a feed that answers 404 or never answers. */
	public void handle(String path, HttpHandler handler) {
		server.createContext(path, exchange -> {
			requests.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), exchange));
			try {
				handler.handle(exchange);
			}
			finally {
				exchange.close();
			}
		});
	}

	/** A handler that sends a byte every 200 ms for six seconds: slower than any fetch timeout of the tests. */
	public static HttpHandler trickle() {
		return exchange -> {
			exchange.sendResponseHeaders(200, 0);
			OutputStream out = exchange.getResponseBody();
			try {
				for (int i = 0; i < 30; i++) {
					out.write(' ');
					out.flush();
					Thread.sleep(200);
				}
			}
			catch (InterruptedException | IOException ex) {
				// the client gave up, as it should
			}
		};
	}

	/** A handler that streams {@code megabytes} of zeros without announcing a length. */
	public static HttpHandler zeros(int megabytes) {
		return exchange -> {
			exchange.sendResponseHeaders(200, 0);
			byte[] block = new byte[64 * 1024];
			try (OutputStream out = exchange.getResponseBody()) {
				for (int i = 0; i < megabytes * 16; i++) {
					out.write(block);
				}
			}
			catch (IOException ex) {
				// the client stopped reading, as it should
			}
		};
	}

	public String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	public List<Request> requests() {
		return requests;
	}

	private void serveFile(HttpExchange exchange) throws IOException {
		requests.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), exchange));
		String name = exchange.getRequestURI().getPath().substring("/feeds/".length());
		Path file = folder.resolve(name).normalize();
		if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
			exchange.sendResponseHeaders(404, -1);
		}
		else {
			byte[] body = overrides.getOrDefault(name, Files.readAllBytes(file));
			String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"";
			exchange.getResponseHeaders().set("ETag", etag);
			exchange.getResponseHeaders().set("Content-Type", "application/xml");
			if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
				exchange.sendResponseHeaders(304, -1);
			}
			else {
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		}
		exchange.close();
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
