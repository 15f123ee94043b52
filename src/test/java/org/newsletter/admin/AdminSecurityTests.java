package org.newsletter.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.newsletter.NewsletterApplication;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring Security on the operator page, on the whole application as {@code serve} starts it
 * (every bean real, a database of its own in a temporary data directory), requests through
 * MockMvc: the page and its CSV need signing in, the sign-in form and every button need the
 * form's CSRF token, guessing the password is slowed down, and nothing else of the site is
 * touched by any of it.
 */
@SpringBootTest(classes = NewsletterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.MOCK,
		properties = { "spring.config.additional-location=optional:classpath:/batch-config/",
				"logging.file.name=target/admin-security-tests/newsletter.log",
				"newsletter.admin.password=" + AdminSecurityTests.PASSWORD })
@AutoConfigureMockMvc
@Import(AdminSecurityTests.Clocks.class)
class AdminSecurityTests {

	static final String PASSWORD = "correct horse battery staple";

	@Autowired
	MockMvcTester mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	AdjustableClock clock;

	/** The system clock, which a test may move on. */
	static final class AdjustableClock extends Clock {

		private volatile Duration ahead = Duration.ZERO;

		void advance(Duration by) {
			ahead = ahead.plus(by);
		}

		@Override
		public Instant instant() {
			return Instant.now().plus(ahead);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		AdjustableClock adjustableClock() {
			return new AdjustableClock();
		}
	}

	@DynamicPropertySource
	static void dataDirectory(DynamicPropertyRegistry registry) {
		try {
			Path dataDir = Files.createTempDirectory("newsletter-admin-");
			registry.add("newsletter.data-dir", dataDir::toString);
			registry.add("newsletter.feeds", () -> dataDir.resolve("feeds.opml").toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void thePageAndItsCsvNeedSigningIn() {
		for (String path : List.of("/admin", "/admin/", "/admin/deliveries.csv", "/admin/deliveries.csv?issue=1")) {
			var answer = mvc.get().uri(path).exchange();

			assertThat(answer).as(path).hasStatus(HttpStatus.SEE_OTHER).hasHeader("Location", "/admin/login");
			assertThat(answer).as(path).hasHeader("X-Content-Type-Options", "nosniff").containsHeader("Content-Security-Policy");
		}
		var login = mvc.get().uri("/admin/login").exchange();
		assertThat(login).hasStatusOk();
		assertThat(page(login).select("form input[name=password]")).hasSize(1);
	}

	@Test
	void aWrongPasswordOrUserIsRefusedAndLetsNobodyIn() {
		var session = new MockHttpSession();
		for (String[] attempt : List.of(new String[] { "admin", "wrong" }, new String[] { "root", PASSWORD },
				new String[] { "admin", "" })) {
			var answer = mvc.post().uri("/admin/login").session(session).param("_csrf", csrfOfLoginPage(session))
				.param("username", attempt[0]).param("password", attempt[1]).exchange();

			assertThat(answer).hasStatus(HttpStatus.SEE_OTHER).hasHeader("Location", "/admin/login?error");
		}
		assertThat(mvc.get().uri("/admin").session(session).exchange()).hasStatus(HttpStatus.SEE_OTHER);
		var again = mvc.get().uri("/admin/login?error").session(session).exchange();
		assertThat(again).bodyText().contains("Wrong user name or password");
	}

	@Test
	void afterTenFailedSignInsInAMinuteEvenTheRightPasswordWaitsUntilTheMinuteIsOver() {
		var session = new MockHttpSession();
		int attempts = 0;
		String location;
		do {
			location = signIn(session, "guess-" + attempts).getResponse().getHeader("Location");
			attempts++;
		}
		while (location.endsWith("?error") && attempts <= SignInThrottle.FAILURES);

		assertThat(location).as("refused after at most " + SignInThrottle.FAILURES + " failures").isEqualTo("/admin/login?wait");
		assertThat(signIn(session, PASSWORD)).hasHeader("Location", "/admin/login?wait");
		assertThat(mvc.get().uri("/admin/login?wait").session(session).exchange()).bodyText().contains("Too many failed sign-ins");
		assertThat(mvc.get().uri("/admin").session(session).exchange()).hasStatus(HttpStatus.SEE_OTHER);
		clock.advance(SignInThrottle.WINDOW);
		assertThat(signIn(session, PASSWORD)).hasHeader("Location", "/admin");
	}

	private MvcTestResult signIn(MockHttpSession session, String password) {
		return mvc.post().uri("/admin/login").session(session).param("_csrf", csrfOfLoginPage(session))
			.param("username", "admin").param("password", password).exchange();
	}

	@Test
	void signingInWithoutTheFormsCsrfTokenIsRefused() {
		var session = new MockHttpSession();
		csrfOfLoginPage(session);

		var without = mvc.post().uri("/admin/login").session(session).param("username", "admin").param("password", PASSWORD)
			.exchange();
		var forged = mvc.post().uri("/admin/login").session(session).param("_csrf", "forged").param("username", "admin")
			.param("password", PASSWORD).exchange();

		assertThat(without).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(forged).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(mvc.get().uri("/admin").session(session).exchange()).hasStatus(HttpStatus.SEE_OTHER);
	}

	@Test
	void signedInThePageShowsAndEveryButtonNeedsTheCsrfToken() {
		var session = signedIn();

		var page = mvc.get().uri("/admin").session(session).exchange();
		assertThat(page).hasStatusOk().hasHeader("Cache-Control", "no-store");
		Document html = page(page);
		assertThat(html.selectFirst("#verdict .headline").text()).isEqualTo("No issue has gone out yet");
		String token = html.selectFirst("form[action=/admin/preview] input[name=_csrf]").val();
		assertThat(html.select("form")).allSatisfy(form -> assertThat(form.select("input[name=_csrf]").val()).isNotEmpty());

		for (String button : List.of("/admin/restart", "/admin/preview", "/admin/logout")) {
			var without = mvc.post().uri(button).session(session).param("execution", "1").param("address", "a@example.org")
				.exchange();
			var forged = mvc.post().uri(button).session(session).param("_csrf", token + "x").param("execution", "1")
				.param("address", "a@example.org").exchange();

			assertThat(without).as(button).hasStatus(HttpStatus.FORBIDDEN);
			assertThat(forged).as(button).hasStatus(HttpStatus.FORBIDDEN);
		}
		var restart = mvc.post().uri("/admin/restart").session(session).param("_csrf", token).param("execution", "999")
			.exchange();
		assertThat(restart).hasStatus(HttpStatus.SEE_OTHER).hasHeader("Location", "/admin");
		var after = mvc.get().uri("/admin").session(session).flashAttrs(restart.getMvcResult().getFlashMap()).exchange();
		assertThat(page(after).selectFirst("#notice").text())
			.isEqualTo("Not restarted: there is no execution 999 (see ./newsletter status).");
	}

	@Test
	void signingOutEndsTheSession() {
		var session = signedIn();
		String token = page(mvc.get().uri("/admin").session(session).exchange()).selectFirst("form[action=/admin/logout] input[name=_csrf]").val();

		var out = mvc.post().uri("/admin/logout").session(session).param("_csrf", token).exchange();

		assertThat(out).hasStatus(HttpStatus.SEE_OTHER).hasHeader("Location", "/admin/login?signed-out");
		assertThat(mvc.get().uri("/admin").session(session).exchange()).hasStatus(HttpStatus.SEE_OTHER);
	}

	@Test
	void everyOtherAddressIsAnsweredAsWithoutSpringSecurity() {
		var oneClick = mvc.post().uri("/unsubscribe?token=1.forged").contentType("application/x-www-form-urlencoded")
			.content("List-Unsubscribe=One-Click").exchange();
		var archive = mvc.get().uri("/archive/").exchange();
		var health = mvc.get().uri("/actuator/health").exchange();
		var elsewhere = mvc.post().uri("/administrator").exchange();

		assertThat(oneClick).as("no CSRF token asked of a mail provider's one-click POST").hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(archive).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(health).hasStatusOk();
		assertThat(elsewhere).hasStatus(HttpStatus.NOT_FOUND);
		for (MvcTestResult answer : List.of(oneClick, archive, health, elsewhere)) {
			assertThat(answer).doesNotContainHeader("Set-Cookie").doesNotContainHeader("X-XSS-Protection")
				.doesNotContainHeader("Pragma");
			assertThat(answer.getResponse().getHeader("Cache-Control")).isNotEqualTo("no-cache, no-store, max-age=0, must-revalidate");
		}
	}

	@Test
	void springBootAddsNoFilterChainAndNoUserOfItsOwn() {
		assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("adminFilterChain");
		UserDetailsService users = context.getBean(UserDetailsService.class);
		assertThat(users.loadUserByUsername("admin").getPassword()).startsWith("{bcrypt}").doesNotContain(PASSWORD);
		assertThatThrownBy(() -> users.loadUserByUsername("user")).isInstanceOf(UsernameNotFoundException.class);
	}

	/** A session signed in through the login form, as a browser does it. */
	private MockHttpSession signedIn() {
		var session = new MockHttpSession();
		var answer = mvc.post().uri("/admin/login").session(session).param("_csrf", csrfOfLoginPage(session))
			.param("username", "admin").param("password", PASSWORD).exchange();
		assertThat(answer).hasStatus(HttpStatus.SEE_OTHER).hasHeader("Location", "/admin");
		return session;
	}

	private String csrfOfLoginPage(MockHttpSession session) {
		return page(mvc.get().uri("/admin/login").session(session).exchange()).selectFirst("input[name=_csrf]").val();
	}

	private static Document page(MvcTestResult answer) {
		try {
			return Jsoup.parse(answer.getResponse().getContentAsString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
