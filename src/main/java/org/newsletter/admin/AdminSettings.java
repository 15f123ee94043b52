package org.newsletter.admin;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may open the operator page ({@code <base-url>/admin}) of {@code serve}. Without a password
 * the page is off: {@code /admin} answers 404, as if it were not there.
 *
 * @param user the operator's user name on the login form
 * @param password the operator's password, from the environment ({@code NEWSLETTER_ADMIN_PASSWORD});
 *     empty (the default): no operator page
 */
@ConfigurationProperties("newsletter.admin")
@Validated
public record AdminSettings(@DefaultValue("admin") @NotBlank String user, @DefaultValue("") String password) {

	/** Whether the page is on: a password is set. */
	boolean enabled() {
		return password != null && !password.isBlank();
	}

	/** Never the password, should this ever be logged. */
	@Override
	public String toString() {
		return "AdminSettings[user=" + user + ", password=" + (enabled() ? "(set)" : "(none)") + "]";
	}
}
