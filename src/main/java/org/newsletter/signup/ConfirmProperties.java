package org.newsletter.signup;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How sign-ups are confirmed ({@code newsletter.confirm.*}): a record of its own rather than
 * more fields of {@code NewsletterProperties}, since only the sign-up pages and the service's
 * purge read it.
 *
 * @param expiry how long a confirmation link works; a pending sign-up older than this is purged
 * @param mailInterval at most one confirmation mail per address in this long, however often it
 *     is signed up (someone else may be typing it in)
 * @param purgeEvery how often {@code serve} deletes the pending sign-ups whose link has expired
 */
@ConfigurationProperties("newsletter.confirm")
@Validated
public record ConfirmProperties(
		@DefaultValue("7d") @NotNull @DurationMin(seconds = 1) Duration expiry,
		@DefaultValue("1h") @NotNull Duration mailInterval,
		@DefaultValue("1h") @NotNull @DurationMin(seconds = 1) Duration purgeEvery) {

	/** The expiry as people read it on a page: "7 days", "36 hours", "90 seconds". */
	public String expiryInWords() {
		return words(expiry);
	}

	/** The mail interval as people read it on a page: "1 hour". */
	public String mailIntervalInWords() {
		return words(mailInterval);
	}

	private static String words(Duration duration) {
		long seconds = duration.toSeconds();
		long[] sizes = { 86_400, 3_600, 60 };
		String[] units = { "day", "hour", "minute" };
		for (int i = 0; i < sizes.length; i++) {
			if (seconds >= sizes[i] && seconds % sizes[i] == 0) {
				long count = seconds / sizes[i];
				return count + " " + units[i] + (count == 1 ? "" : "s");
			}
		}
		return seconds + " second" + (seconds == 1 ? "" : "s");
	}
}
