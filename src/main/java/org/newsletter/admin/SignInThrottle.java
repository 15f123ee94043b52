package org.newsletter.admin;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slows down guessing the operator's password: after {@value #FAILURES} failed sign-ins within
 * a minute, every sign-in is refused, the right password too, until that minute is over. Counted
 * over all clients, as behind the TLS proxy every client has the proxy's address; the operator
 * locked out by someone guessing waits a minute at most, and the log says it happened. A filter
 * of the operator page's filter chain only (not a bean, so not one of the web server's), before
 * Spring Security's sign-in; the sign-in's failure handler counts the failures.
 */
final class SignInThrottle extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);

	static final int FAILURES = 10;

	static final Duration WINDOW = Duration.ofMinutes(1);

	private static final RequestMatcher SIGN_IN = PathPatternRequestMatcher.withDefaults()
		.matcher(HttpMethod.POST, AdminSecurity.LOGIN);

	private final Clock clock;

	private Instant windowStart = Instant.EPOCH;

	private int failures;

	SignInThrottle(Clock clock) {
		this.clock = clock;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (SIGN_IN.matches(request) && !open()) {
			AdminSecurity.seeOther(request, response, AdminSecurity.LOGIN + "?wait");
			return;
		}
		chain.doFilter(request, response);
	}

	/** Whether a sign-in may be tried now. */
	synchronized boolean open() {
		roll();
		return failures < FAILURES;
	}

	/** Counts a failed sign-in. */
	synchronized void failed() {
		roll();
		if (++failures == FAILURES) {
			log.warn("{} failed sign-ins to the operator page within {}: sign-ins are refused until {}", FAILURES, WINDOW,
					windowStart.plus(WINDOW));
		}
	}

	private void roll() {
		Instant now = clock.instant();
		if (!now.isBefore(windowStart.plus(WINDOW))) {
			windowStart = now;
			failures = 0;
		}
	}
}
