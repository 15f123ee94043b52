package org.newsletter.admin;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.TestProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Without {@code newsletter.admin.password} there is no operator page: everything under
 * {@code /admin} answers 404, a POST too (no CSRF refusal that would give the page away), and
 * Spring Boot has added neither a filter chain nor a user of its own. Spring Security's
 * auto-configuration is in the slice as {@code serve} has it; of the controllers, the operator
 * page's, which are off, and a probe under {@code /admin} that would answer if a request got
 * past Spring Security.
 */
@WebMvcTest(controllers = { AdminPage.class, AdminActions.class })
@Import({ AdminSecurity.class, AdminPageOffTests.Settings.class, AdminPageOffTests.Probe.class })
@ImportAutoConfiguration({ SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
		SecurityFilterAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class })
class AdminPageOffTests {

	@Autowired
	MockMvcTester mvc;

	@Autowired
	ApplicationContext context;

	@TestConfiguration(proxyBeanMethods = false)
	static class Settings {

		@Bean
		NewsletterProperties newsletterProperties() {
			return TestProperties.of(Map.of());
		}
	}

	/** Answers whatever reaches it: outside {@code /admin} always, under it never. */
	@RestController
	static class Probe {

		@RequestMapping({ "/admin/probe", "/probe" })
		String probe() {
			return "reached";
		}
	}

	@Test
	void everythingUnderAdminIsNotThere() {
		assertThat(mvc.get().uri("/probe").exchange()).hasStatusOk().bodyText().isEqualTo("reached");
		assertThat(mvc.post().uri("/probe").exchange()).as("no CSRF outside /admin").hasStatusOk();
		for (String path : List.of("/admin", "/admin/", "/admin/login", "/admin/deliveries.csv", "/admin/probe")) {
			var answer = mvc.get().uri(path).exchange();

			assertThat(answer).as(path).hasStatus(HttpStatus.NOT_FOUND).doesNotContainHeader("Set-Cookie");
		}
		for (String path : List.of("/admin/login", "/admin/restart", "/admin/preview", "/admin/logout", "/admin/probe")) {
			var answer = mvc.post().uri(path).param("username", "admin").param("password", "").exchange();

			assertThat(answer).as("POST " + path).hasStatus(HttpStatus.NOT_FOUND);
		}
	}

	@Test
	void springBootAddsNoFilterChainAndNoUserOfItsOwn() {
		assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("adminFilterChain");
		UserDetailsService users = context.getBean(UserDetailsService.class);
		for (String name : List.of("user", "admin")) {
			assertThatThrownBy(() -> users.loadUserByUsername(name)).as(name).isInstanceOf(UsernameNotFoundException.class);
		}
	}
}
