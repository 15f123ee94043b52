package org.newsletter.bounce;

import java.time.Duration;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code newsletter.bounce.*} settings: where the reports of failed deliveries go back to
 * (the return path) and the mailbox they are read from. A record of its own, beside
 * {@code NewsletterProperties}, because the bounce feature owns them.
 *
 * @param returnPath the SMTP envelope sender of every message, e.g. {@code bounces@example.org},
 *     made per message into {@code bounces+<token>@example.org} (VERP, {@link VerpAddresses}); the
 *     mail server must deliver {@code bounces+anything@} to the {@code bounces} mailbox (Postfix's
 *     {@code recipient_delimiter = +}). Empty: the envelope sender stays Jakarta Mail's (the From
 *     address, or {@code spring.mail.properties.mail.smtp.from})
 * @param protocol how the mailbox is read: {@code imaps} or {@code pop3s} (TLS), {@code imap} or
 *     {@code pop3} (plain, or STARTTLS with {@code starttls})
 * @param host the mailbox's server; empty: no mailbox, bounces are not read
 * @param port its port; 0 for the protocol's own (993, 995, 143, 110)
 * @param username the mailbox's login
 * @param password its password, from the environment ({@code NEWSLETTER_BOUNCE_PASSWORD}); never logged
 * @param folder the IMAP folder read ({@code INBOX}); POP3 has only the one
 * @param starttls for {@code imap} and {@code pop3}: require STARTTLS before the login
 * @param timeout how long a connect or a reply of the mailbox's server may take
 * @param poll how often {@code serve} reads the mailbox between runs
 * @param hardLimit a subscriber is marked bounced after this many hard bounces (5.x.x) in a row
 * @param softLimit ... or after this many bounces in a row of any kind (4.x.x soft ones included)
 */
@ConfigurationProperties("newsletter.bounce")
@Validated
public record BounceProperties(
		@DefaultValue("") String returnPath,
		@DefaultValue("imaps") @NotNull @Pattern(regexp = "imaps?|pop3s?",
				message = "must be imap, imaps, pop3 or pop3s") String protocol,
		@DefaultValue("") String host,
		@DefaultValue("0") @Min(0) @Max(65535) int port,
		@DefaultValue("") String username,
		@DefaultValue("") String password,
		@DefaultValue("INBOX") @NotBlank String folder,
		@DefaultValue("false") boolean starttls,
		@DefaultValue("30s") @NotNull @DurationMin(seconds = 1) Duration timeout,
		@DefaultValue("5m") @NotNull @DurationMin(seconds = 1) Duration poll,
		@DefaultValue("1") @Min(1) int hardLimit,
		@DefaultValue("5") @Min(1) int softLimit) {

	/** A return path that is not one address would make every message's envelope sender wrong. */
	public BounceProperties {
		if (!returnPath.isBlank()) {
			try {
				var address = new InternetAddress(returnPath.strip(), true);
				if (address.getPersonal() != null || !address.getAddress().contains("@")
						|| address.getAddress().indexOf('+') >= 0) {
					throw new AddressException("not a bare address without +");
				}
			}
			catch (AddressException ex) {
				throw new IllegalArgumentException("newsletter.bounce.return-path must be one bare address without '+', "
						+ "e.g. bounces@example.org; '" + returnPath + "' is not");
			}
		}
	}

	/** Whether a bounce mailbox is configured. */
	public boolean mailboxConfigured() {
		return !host.isBlank();
	}

	/** Whether messages carry a VERP return path. */
	public boolean verp() {
		return !returnPath.isBlank();
	}

	/** POP3 rather than IMAP. */
	boolean pop3() {
		return protocol.startsWith("pop3");
	}

	/** The mailbox as the operator reads it in messages: {@code imaps://bounces@mail.example.org:993/INBOX}. */
	String mailbox() {
		return protocol + "://" + (username.isBlank() ? "" : username + "@") + host + (port > 0 ? ":" + port : "")
				+ (pop3() ? "" : "/" + folder);
	}
}
