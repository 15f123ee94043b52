package org.newsletter.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

import org.apache.coyote.AbstractProtocol;
import org.newsletter.config.NewsletterProperties;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Where and how {@code serve}'s embedded Tomcat listens, from {@code newsletter.serve.*} (the
 * command's {@code --port} and {@code --bind} arrive as those) and the path of
 * {@code newsletter.base-url} as the context path. A request must have arrived whole within
 * the request timeout ({@link RequestTimeoutProtocol}); at most {@code threads} requests are
 * read or answered at once, more wait for a thread.
 */
@Component
class ServeSettings implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	private final NewsletterProperties properties;

	ServeSettings(NewsletterProperties properties) {
		this.properties = properties;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		NewsletterProperties.Serve serve = properties.serve();
		factory.setPort(serve.port());
		factory.setAddress(address(serve.bind()));
		factory.setContextPath(contextPath(properties.baseUrl()));
		factory.setProtocol(RequestTimeoutProtocol.class.getName());
		int timeout = (int) timeout(serve.requestTimeout()).toMillis();
		factory.addProtocolHandlerCustomizers(handler -> {
			if (handler instanceof AbstractProtocol<?> protocol) {
				protocol.setMaxThreads(serve.threads());
				protocol.setConnectionTimeout(timeout);
				protocol.setKeepAliveTimeout(timeout);
			}
		});
	}

	/** The path of the base URL without its trailing slash: "" for the root, else {@code /news}. */
	static String contextPath(String baseUrl) {
		String path = URI.create(baseUrl).getRawPath();
		return path == null ? "" : path.replaceAll("/+$", "");
	}

	private static InetAddress address(String bind) {
		try {
			return InetAddress.getByName(bind);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("newsletter.serve.bind: unknown address " + bind, ex);
		}
	}

	/** Whole seconds, as the request timeout is documented. */
	static Duration timeout(Duration requestTimeout) {
		return Duration.ofSeconds(Math.max(1, requestTimeout.plusMillis(999).toSeconds()));
	}
}
