package org.newsletter.signup;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The limits of the public sign-up form ({@code newsletter.sign-up.*}), which anyone can post to
 * from anywhere: how often one client may post, and how many sign-ups may wait for the one
 * thread that stores them and sends their confirmation mail.
 *
 * @param perClient at most this many posts of the form per client (an IPv4 address, an IPv6 /64)
 *     in {@code clientWindow}; more are answered 429
 * @param clientWindow the window of {@code perClient}
 * @param clients how many clients are counted at once (memory stays bounded: the one unheard
 *     from longest is forgotten first)
 * @param queue how many sign-ups may wait to be handled; beyond that the form answers 503
 */
@ConfigurationProperties("newsletter.sign-up")
@Validated
public record SignUpProperties(
		@DefaultValue("10") @Min(1) int perClient,
		@DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration clientWindow,
		@DefaultValue("10000") @Min(1) int clients,
		@DefaultValue("1000") @Min(1) int queue) {
}
