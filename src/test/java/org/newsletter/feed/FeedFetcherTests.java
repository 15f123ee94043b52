package org.newsletter.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.FeedServer;
import org.newsletter.config.NewsletterProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fetcher against a real HTTP server on loopback. */
class FeedFetcherTests {

	@TempDir
	Path folder;

	FeedServer server;

	@AfterEach
	void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void aServerThatTricklesBytesTimesOut() {
		server = new FeedServer(folder);
		server.handle("/trickle.xml", FeedServer.trickle());
		long start = System.nanoTime();

		assertThatThrownBy(() -> fetcher("1s").fetch(server.url("/trickle.xml"), FeedFetcher.Validators.NONE))
			.isInstanceOf(FeedException.class)
			.hasMessageContaining("timed out");
		assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
	}

	@Test
	void aServerThatTricklesItsHeadersTimesOut() throws Exception {
		try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			var trickler = new Thread(() -> {
				try (Socket socket = listener.accept()) {
					for (byte b : "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII)) {
						socket.getOutputStream().write(b);
						socket.getOutputStream().flush();
						Thread.sleep(200);
					}
					for (int i = 0; i < 30; i++) {
						socket.getOutputStream().write('x');
						socket.getOutputStream().flush();
						Thread.sleep(200);
					}
				}
				catch (IOException | InterruptedException ex) {
					// the client gave up, as it should
				}
			});
			trickler.start();
			long start = System.nanoTime();

			assertThatThrownBy(() -> fetcher("1s").fetch("http://127.0.0.1:" + listener.getLocalPort() + "/feed.xml",
					FeedFetcher.Validators.NONE))
				.isInstanceOf(FeedException.class)
				.hasMessageContaining("timed out");
			assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
			trickler.interrupt();
		}
	}

	@Test
	void aConnectionClosedBeforeAnyResponseIsTriedOnceMore() throws Exception {
		try (var socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
			var connections = new java.util.concurrent.atomic.AtomicInteger();
			Thread serving = new Thread(() -> {
				try {
					while (true) {
						try (var client = socket.accept()) {
							client.getInputStream().read(new byte[4096]);
							if (connections.incrementAndGet() > 1) {
								byte[] feed = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>"
									.getBytes(StandardCharsets.UTF_8);
								client.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
										+ "Content-Length: " + feed.length + "\r\nConnection: close\r\n\r\n")
									.getBytes(StandardCharsets.US_ASCII));
								client.getOutputStream().write(feed);
							}
						}
					}
				}
				catch (IOException ex) {
					// the socket was closed: the test is over
				}
			});
			serving.setDaemon(true);
			serving.start();

			var body = fetcher("5s").fetch("http://127.0.0.1:" + socket.getLocalPort() + "/feed.xml",
					FeedFetcher.Validators.NONE);

			assertThat(body).isPresent();
			assertThat(connections.get()).isEqualTo(2);
		}
	}

	@Test
	void aResponseLargerThanTheLimitIsRefusedWhileItStreams() {
		server = new FeedServer(folder);
		server.handle("/huge.xml", FeedServer.zeros(50));

		assertThatThrownBy(() -> fetcher("10s").fetch(server.url("/huge.xml"), FeedFetcher.Validators.NONE))
			.isInstanceOf(FeedException.class)
			.hasMessageContaining("larger than the limit of 10485760 bytes");
	}

	@Test
	void aGzipBombIsBoundedAfterDecompression() {
		server = new FeedServer(folder);
		server.handle("/bomb.xml", exchange -> {
			byte[] body = gzip(new byte[20 * 1024 * 1024]);
			exchange.getResponseHeaders().set("Content-Encoding", "gzip");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		});

		assertThatThrownBy(() -> fetcher("10s").fetch(server.url("/bomb.xml"), FeedFetcher.Validators.NONE))
			.hasMessageContaining("larger than the limit");
	}

	@Test
	void gzipBodiesAreDecoded() throws Exception {
		server = new FeedServer(folder);
		server.handle("/zipped.xml", exchange -> {
			byte[] body = gzip("<rss version=\"2.0\"/>".getBytes(StandardCharsets.UTF_8));
			exchange.getResponseHeaders().set("Content-Encoding", "gzip");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		});

		var body = fetcher("5s").fetch(server.url("/zipped.xml"), FeedFetcher.Validators.NONE).orElseThrow();

		assertThat(new String(body.bytes(), StandardCharsets.UTF_8)).isEqualTo("<rss version=\"2.0\"/>");
		assertThat(server.requests().get(0).headers().getFirst("Accept-Encoding")).contains("gzip");
		assertThat(server.requests().get(0).headers().getFirst("User-Agent")).startsWith("newsletter/");
	}

	@Test
	void aRedirectLoopStopsAtTheLimit() {
		server = new FeedServer(folder);
		server.handle("/loop.xml", exchange -> {
			exchange.getResponseHeaders().set("Location", "/loop.xml");
			exchange.sendResponseHeaders(302, -1);
		});

		assertThatThrownBy(() -> fetcher("5s").fetch(server.url("/loop.xml"), FeedFetcher.Validators.NONE))
			.hasMessageContaining("more than 5 redirects");
	}

	@Test
	void onlyHttpHttpsAndFileUrlsAreFetched() {
		assertThatThrownBy(() -> fetcher("5s").fetch("ftp://example.org/feed.xml", FeedFetcher.Validators.NONE))
			.hasMessageContaining("unsupported URL scheme 'ftp'");
		server = new FeedServer(folder);
		server.handle("/to-file.xml", exchange -> {
			exchange.getResponseHeaders().set("Location", "file:///etc/passwd");
			exchange.sendResponseHeaders(301, -1);
		});
		assertThatThrownBy(() -> fetcher("5s").fetch(server.url("/to-file.xml"), FeedFetcher.Validators.NONE))
			.hasMessageContaining("redirect to a file: URL refused");
	}

	private static FeedFetcher fetcher(String timeout) {
		var source = new MapConfigurationPropertySource(Map.of("newsletter.fetch.timeout", timeout));
		return new FeedFetcher(new Binder(source).bindOrCreate("newsletter", NewsletterProperties.class));
	}

	private static byte[] gzip(byte[] bytes) throws IOException {
		var out = new ByteArrayOutputStream();
		try (var zip = new GZIPOutputStream(out)) {
			zip.write(bytes);
		}
		return out.toByteArray();
	}
}
