package org.newsletter.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The headers on every answer of {@code serve}, error pages and {@code /actuator/health}
 * included: no content sniffing, no referrer (an unsubscribe address carries its token), no
 * framing, and a content security policy that allows no script. Archived issues are our
 * rendered emails (feed HTML, cleaned): inline styles and images from anywhere; our own pages:
 * inline style only, forms post back here. First of the filters (after the character encoding),
 * so that the answers Spring Security gives under {@code /admin} (the login redirect) carry them too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class SecurityHeaders extends OncePerRequestFilter {

	static final String OWN_PAGES_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
			+ "frame-ancestors 'none'; base-uri 'none'";

	static final String ARCHIVE_POLICY = "default-src 'none'; img-src http: https: data:; "
			+ "style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("Referrer-Policy", "no-referrer");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Content-Security-Policy", inArchive(request) ? ARCHIVE_POLICY : OWN_PAGES_POLICY);
		chain.doFilter(request, response);
	}

	private static boolean inArchive(HttpServletRequest request) {
		return request.getRequestURI().startsWith(request.getContextPath() + "/archive/");
	}

	/** Error pages too: Tomcat forwards to them after the first pass. */
	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}
}
