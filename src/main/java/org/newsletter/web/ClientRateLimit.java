package org.newsletter.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.newsletter.signup.SignUpProperties;

import org.springframework.stereotype.Component;

/**
 * How often one client may post the sign-up form: {@code newsletter.sign-up.per-client} posts in
 * each {@code client-window}, counted in memory for at most {@code clients} clients at once (the
 * one unheard from longest is dropped first, so memory stays bounded whatever comes). A client
 * is its IP address, an IPv6 address by its /64 (one household or server gets a whole /64). Behind
 * the reverse proxy the README asks for, every request comes from loopback: there the client is
 * the last address of {@code X-Forwarded-For}, the one the proxy added (a client can put
 * anything before it, nothing after).
 */
@Component
class ClientRateLimit {

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%\\w+)?]?");

	private final int perClient;

	private final Duration window;

	private final Clock clock;

	private final Map<String, Window> clients;

	private record Window(Instant start, int posts) {
	}

	ClientRateLimit(SignUpProperties settings, Clock clock) {
		this.perClient = settings.perClient();
		this.window = settings.clientWindow();
		this.clock = clock;
		int max = settings.clients();
		this.clients = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
				return size() > max;
			}
		};
	}

	/** Counts a post of {@code request}'s client; empty when it is allowed, else how long until it will be. */
	Optional<Duration> refuse(HttpServletRequest request) {
		return refuse(client(request));
	}

	synchronized Optional<Duration> refuse(String client) {
		Instant now = clock.instant();
		Window current = clients.get(client);
		if (current == null || !now.isBefore(current.start().plus(window))) {
			clients.put(client, new Window(now, 1));
			return Optional.empty();
		}
		if (current.posts() >= perClient) {
			return Optional.of(Duration.between(now, current.start().plus(window)));
		}
		clients.put(client, new Window(current.start(), current.posts() + 1));
		return Optional.empty();
	}

	/** The client a request counts for: its address, or behind a proxy on loopback the address the proxy saw. */
	static String client(HttpServletRequest request) {
		String peer = request.getRemoteAddr();
		String forwarded = request.getHeader("X-Forwarded-For");
		if (forwarded != null && isLoopback(peer)) {
			String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
			if (!last.isEmpty()) {
				return key(last);
			}
		}
		return key(peer);
	}

	/** An IPv4 address as it is, an IPv6 address as its /64; anything else as given, cut short. */
	static String key(String address) {
		if (IPV6.matcher(address).matches()) {
			InetAddress parsed = literal(address.replace("[", "").replace("]", ""));
			if (parsed instanceof Inet6Address) {
				byte[] bytes = parsed.getAddress();
				return String.format("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1], bytes[2], bytes[3],
						bytes[4], bytes[5], bytes[6], bytes[7]);
			}
			if (parsed != null) {
				return parsed.getHostAddress(); // an IPv4-mapped address
			}
		}
		return address.length() > 64 ? address.substring(0, 64) : address;
	}

	private static boolean isLoopback(String address) {
		InetAddress parsed = IPV4.matcher(address).matches() || IPV6.matcher(address).matches()
				? literal(address.replace("[", "").replace("]", "")) : null;
		return parsed != null && parsed.isLoopbackAddress();
	}

	/** An IP literal parsed (never a name looked up: only called on what the patterns let through); null when invalid. */
	private static InetAddress literal(String address) {
		try {
			return InetAddress.getByName(address);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}
}
