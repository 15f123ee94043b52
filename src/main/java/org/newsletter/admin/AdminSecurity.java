package org.newsletter.admin;

import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.newsletter.config.NewsletterProperties;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.Cookie;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.boot.web.server.servlet.Session;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;

/**
 * Spring Security on {@code /admin} and nothing else. The operator signs in on a form (user
 * {@code newsletter.admin.user}, password {@code newsletter.admin.password}); every form under
 * {@code /admin} carries a CSRF token; the session cookie is sent to {@code /admin} only; password
 * guessing is slowed down ({@link SignInThrottle}). Every other address (the archive, the
 * one-click unsubscribe POST from mail providers, the health check) is answered as without
 * Spring Security: its filter is mapped to {@code /admin} alone,
 * and this is the only filter chain, so Spring Boot adds no default one and makes no user with
 * a generated password. Without a password the chain answers 404 to everything under {@code /admin}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(AdminSettings.class)
class AdminSecurity {

	static final String PAGE = "/admin";

	static final String LOGIN = "/admin/login";

	static final String LOGOUT = "/admin/logout";

	/** Spring Boot's registration of Spring Security's filter ({@code SecurityFilterAutoConfiguration}). */
	private static final String FILTER_REGISTRATION = "securityFilterChainRegistration";

	/** The role of the one user, the operator. */
	private static final String OPERATOR = "OPERATOR";

	/** What is not there: our 404 page (web.ErrorPages), as for any unknown address. */
	private static final AuthenticationEntryPoint NOT_THERE = (request, response, ex) -> response
		.sendError(HttpServletResponse.SC_NOT_FOUND);

	@Bean
	SecurityFilterChain adminFilterChain(HttpSecurity http, AdminSettings settings, Clock clock) throws Exception {
		http.securityMatcher(PAGE, PAGE + "/**");
		if (!settings.enabled()) {
			return http.authorizeHttpRequests(requests -> requests.anyRequest().denyAll())
				.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(NOT_THERE))
				.csrf(csrf -> csrf.disable())
				.headers(headers -> headers.disable())
				.requestCache(cache -> cache.disable())
				.logout(logout -> logout.disable())
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.build();
		}
		var throttle = new SignInThrottle(clock);
		// the login form whatever its query (?error, ?signed-out); the form's own permitAll() wants it bare
		return http.authorizeHttpRequests(requests -> requests.requestMatchers(LOGIN).permitAll().anyRequest().hasRole(OPERATOR))
			.formLogin(form -> form.loginPage(LOGIN)
				.successHandler((request, response, authentication) -> seeOther(request, response, PAGE))
				.failureHandler((request, response, ex) -> {
					throttle.failed();
					seeOther(request, response, LOGIN + "?error");
				}))
			.addFilterBefore(throttle, UsernamePasswordAuthenticationFilter.class)
			.exceptionHandling(exceptions -> exceptions
				.authenticationEntryPoint((request, response, ex) -> seeOther(request, response, LOGIN)))
			// after signing in, the page: no session for a visitor who is not signed in
			.requestCache(cache -> cache.disable())
			.logout(logout -> logout.logoutUrl(LOGOUT)
				.logoutSuccessHandler((request, response, authentication) -> seeOther(request, response, LOGIN + "?signed-out")))
			// web.SecurityHeaders writes these two, and the content security policy, on every answer
			.headers(headers -> headers.frameOptions(frame -> frame.disable()).contentTypeOptions(type -> type.disable()))
			.build();
	}

	/**
	 * Answers 303 See Other with a relative Location set as a header: sendRedirect would make it
	 * absolute with this process's scheme, http, behind the TLS proxy. After a POST, 303 makes
	 * the browser GET the page.
	 */
	static void seeOther(HttpServletRequest request, HttpServletResponse response, String path) {
		response.setStatus(HttpStatus.SEE_OTHER.value());
		response.setHeader("Location", request.getContextPath() + path);
	}

	/**
	 * The operator, with the password hashed at start (BCrypt, compared in constant time); nobody
	 * without a password. Declared either way, so Spring Boot makes no user of its own.
	 */
	@Bean
	UserDetailsService operators(AdminSettings settings) {
		if (!settings.enabled()) {
			return new InMemoryUserDetailsManager();
		}
		String hashed = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(settings.password());
		return new InMemoryUserDetailsManager(User.withUsername(settings.user()).password(hashed).roles(OPERATOR).build());
	}

	/**
	 * Maps Spring Security's filter to {@code /admin} and below only: its request firewall, which
	 * answers 400 to some addresses our pages answer themselves (encoded slashes, {@code ;}),
	 * never sees another request.
	 */
	@Bean
	static BeanPostProcessor securityFilterOnAdminOnly() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String name) {
				if (bean instanceof DelegatingFilterProxyRegistrationBean registration && FILTER_REGISTRATION.equals(name)) {
					registration.setUrlPatterns(List.of(PAGE, PAGE + "/*"));
				}
				return bean;
			}
		};
	}

	/**
	 * The session cookie, which only the operator page makes: sent back to {@code /admin} only,
	 * never to scripts ({@code HttpOnly}), not with requests from other sites ({@code SameSite=Lax}),
	 * and never carried in a URL.
	 */
	@Bean
	WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> adminSessionCookie(NewsletterProperties properties) {
		return factory -> {
			Session session = factory.getSettings().getSession();
			session.setTrackingModes(EnumSet.of(Session.SessionTrackingMode.COOKIE));
			Cookie cookie = session.getCookie();
			cookie.setPath(contextPath(properties.baseUrl()) + PAGE);
			cookie.setHttpOnly(true);
			cookie.setSameSite(Cookie.SameSite.LAX);
		};
	}

	/** The path of the base URL without its trailing slash, as web.ServeSettings makes the context path. */
	private static String contextPath(String baseUrl) {
		String path = URI.create(baseUrl).getRawPath();
		return path == null ? "" : path.replaceAll("/+$", "");
	}
}
