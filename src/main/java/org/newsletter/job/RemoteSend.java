package org.newsletter.job;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The settings of the remote send (README, Several hosts), beside the other
 * {@code newsletter.send.*} settings of {@code NewsletterProperties}: they concern only the
 * job's wiring, so they are bound here, where {@link RemoteSendConfig} reads them.
 *
 * @param remote the send step's partitions go to {@code ./newsletter worker} processes on any
 *     host instead of this process's threads (PostgreSQL only)
 * @param partitions how many id ranges the subscribers are split into for the workers; 0 for
 *     four for each live worker
 * @param remoteTimeout how long the run waits for a worker to be alive (at the start of the send
 *     and whenever none is) before it fails, leaving the run for {@code restart}
 */
@ConfigurationProperties("newsletter.send")
@Validated
public record RemoteSend(
		@DefaultValue("false") boolean remote,
		@DefaultValue("0") @Min(0) int partitions,
		@DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration remoteTimeout) {

	/** The property that makes the send remote. */
	public static final String REMOTE = "newsletter.send.remote";
}
