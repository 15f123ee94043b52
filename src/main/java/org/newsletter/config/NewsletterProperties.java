package org.newsletter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code newsletter.*} setting (DESIGN.md §7), bound once and validated at start-up.
 *
 * @param title the newsletter's name, used in the subject and the email's heading
 * @param from the sender address, e.g. {@code "Weekly <news@example.org>"}
 * @param replyTo where replies go; empty for none
 * @param baseUrl public address of the archive and unsubscribe pages, without a trailing slash
 * @param dataDir where the database, logs, outbox and archive live
 * @param feeds the OPML file listing the feeds
 * @param outboxDir where messages are written when no SMTP host is configured
 * @param archiveDir where each sent issue is written as HTML
 * @param templatesDir the FreeMarker templates; the jar's copies are used where a file is missing
 * @param lateness how far before the previous cutoff an entry may be dated and still be new
 * @param firstRunLookback on the first run, how far back before the cutoff entries count
 * @param maxEntriesPerSource at most this many entries per source in one issue
 * @param summaryWords an entry's summary has at most this many words (1 to {@value #MAX_SUMMARY_WORDS})
 * @param minEntries an issue with fewer eligible entries is not sent
 * @param unsubscribeSecret HMAC key of unsubscribe links; generated once per data dir when empty
 * @param unsubscribeMailto optional mailto address offered in {@code List-Unsubscribe}
 * @param locale language of dates in the email
 * @param timeZone time zone of dates in the email
 * @param schedule when {@code serve} runs the weekly digest: a cron expression of six fields
 *     (second minute hour day-of-month month day-of-week, e.g. {@code 0 0 8 * * MON}); empty for none
 * @param scheduleZone the time zone the schedule is read in
 * @param scheduleCatchUp a tick missed while {@code serve} was down runs once at its start when it
 *     is younger than this; an older one is reported and left to {@code run --cutoff}
 * @param fetch how feeds are fetched
 * @param send how messages are sent
 * @param dkim how messages are signed (DKIM); off unless configured
 * @param serve where the {@code serve} command listens
 * @param email what the HTML part of the email may weigh
 * @param footer what the email's footer says besides why and how to unsubscribe
 */
@ConfigurationProperties("newsletter")
@Validated
public record NewsletterProperties(
		@DefaultValue("Planet Python Weekly") @NotBlank String title,
		@DefaultValue("Planet Python Weekly <weekly@newsletter.example>") @NotBlank String from,
		@DefaultValue("") String replyTo,
		@DefaultValue("https://newsletter.example") @NotBlank String baseUrl,
		@DefaultValue("./data") @NotNull Path dataDir,
		@DefaultValue("batch-config/feeds.opml") @NotBlank String feeds,
		Path outboxDir,
		Path archiveDir,
		@DefaultValue("templates") @NotNull Path templatesDir,
		@DefaultValue("P3D") @NotNull Duration lateness,
		@DefaultValue("P7D") @NotNull Duration firstRunLookback,
		@DefaultValue("10") @Min(1) int maxEntriesPerSource,
		@DefaultValue("40") @Min(1) @Max(MAX_SUMMARY_WORDS) int summaryWords,
		@DefaultValue("1") @Min(0) int minEntries,
		@DefaultValue("") String unsubscribeSecret,
		@DefaultValue("") String unsubscribeMailto,
		@DefaultValue("en") @NotNull Locale locale,
		@DefaultValue("UTC") @NotNull ZoneId timeZone,
		@DefaultValue("") String schedule,
		@DefaultValue("UTC") @NotNull ZoneId scheduleZone,
		@DefaultValue("1d") @NotNull Duration scheduleCatchUp,
		@DefaultValue @Valid Fetch fetch,
		@DefaultValue @Valid Send send,
		@DefaultValue @Valid Dkim dkim,
		@DefaultValue @Valid Serve serve,
		@DefaultValue @Valid Email email,
		@DefaultValue @Valid Footer footer) {

	/** The longest summary an entry keeps: its readable text is cut to this at ingest ({@code feed.EntryText}). */
	public static final int MAX_SUMMARY_WORDS = 300;

	/** Checks what a bean-validation annotation cannot say in one line. */
	public NewsletterProperties {
		checkBaseUrl(baseUrl);
		checkSchedule(schedule);
		checkAddresses(from, replyTo);
	}

	/**
	 * Every message is sent from {@code from} (and answered to {@code reply-to}): checked as the
	 * messages read them, so a typo is one line at start naming the setting, not an error from
	 * inside the mail library.
	 */
	private static void checkAddresses(String from, String replyTo) {
		checkAddress("newsletter.from", from, value -> new InternetAddress(value, true));
		checkAddress("newsletter.reply-to", replyTo, value -> InternetAddress.parse(value, true));
	}

	private static void checkAddress(String setting, String value, AddressParser parser) {
		if (value == null || value.isBlank()) {
			return;
		}
		try {
			parser.parse(value);
		}
		catch (AddressException ex) {
			throw new IllegalArgumentException(setting + " must be an email address, e.g. 'Weekly <news@example.org>'; '"
					+ value + "' is not (" + ex.getMessage() + ")");
		}
	}

	/** Jakarta Mail's reading of an address setting. */
	@FunctionalInterface
	private interface AddressParser {

		void parse(String value) throws AddressException;
	}

	/** A schedule that cannot be read would otherwise only show as a week without an issue. */
	private static void checkSchedule(String schedule) {
		if (!schedule.isBlank() && !CronExpression.isValidExpression(schedule.strip())) {
			throw new IllegalArgumentException("newsletter.schedule must be a cron expression of six fields (second "
					+ "minute hour day-of-month month day-of-week), e.g. '0 0 8 * * MON'; '" + schedule + "' is not");
		}
	}

	/**
	 * Every List-Unsubscribe header and "view in browser" link is made from it, so a value that
	 * is not an absolute http(s) URL would break them all, silently.
	 */
	private static void checkBaseUrl(String baseUrl) {
		String problem;
		try {
			var uri = new URI(baseUrl);
			problem = !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) ? "it is not an http(s) URL"
					: uri.getHost() == null ? "it has no host"
					: uri.getRawQuery() != null || uri.getRawFragment() != null ? "it has a query or fragment" : null;
		}
		catch (URISyntaxException | NullPointerException ex) {
			problem = "it is not a URL";
		}
		if (problem != null) {
			throw new IllegalArgumentException("newsletter.base-url must be the absolute http(s) address of the archive and "
					+ "unsubscribe pages, e.g. https://news.example.org; '" + baseUrl + "' is not (" + problem + ")");
		}
	}

	/** The outbox folder, {@code <data-dir>/outbox} unless set. */
	public Path outbox() {
		return outboxDir != null ? outboxDir : dataDir.resolve("outbox");
	}

	/** The archive folder, {@code <data-dir>/archive} unless set. */
	public Path archive() {
		return archiveDir != null ? archiveDir : dataDir.resolve("archive");
	}

	/**
	 * How feeds are fetched.
	 *
	 * @param timeout how long one feed may take, fetch (connect, redirects, body) and parse together
	 * @param maxBytes a feed larger than this is refused while it streams
	 * @param concurrency how many feeds are fetched at once
	 * @param maxRedirects how many redirects are followed
	 * @param userAgent the {@code User-Agent} header sent
	 * @param disableAfter a feed that has failed this many runs in a row is reported loudly in
	 *     the run summary and by {@code feeds check}; it is still fetched, so it comes back by
	 *     itself once fixed (remove it from the feed list to stop)
	 * @param maxDepth a feed whose XML nests elements deeper than this is refused as it is read
	 */
	public record Fetch(
			@DefaultValue("20s") @NotNull Duration timeout,
			@DefaultValue("10485760") @Min(1024) long maxBytes,
			@DefaultValue("8") @Min(1) int concurrency,
			@DefaultValue("5") @Min(0) int maxRedirects,
			@DefaultValue("newsletter/0.1 (+https://newsletter.example)") @NotBlank String userAgent,
			@DefaultValue("10") @Min(1) int disableAfter,
			@DefaultValue("256") @Min(8) int maxDepth) {
	}

	/**
	 * How messages are sent.
	 *
	 * @param chunkSize subscribers per chunk (one transaction of the send step)
	 * @param connections SMTP connections used at once
	 * @param rateLimit messages per second over all connections; 0 for no limit
	 * @param retry how temporary SMTP failures are retried
	 * @param freeSpaceReserve free space the data directory (HSQLDB) must keep beyond what the
	 *     send's records need (about 2 KB a message) for a send to begin
	 * @param timeout how long an SMTP connect, read (a reply) or write may wait before the attempt
	 *     fails and is retried; {@code spring.mail.properties.mail.smtp.connectiontimeout},
	 *     {@code .timeout} and {@code .writetimeout} (or {@code mail.smtps.*}), in ms, override it
	 */
	public record Send(
			@DefaultValue("500") @Min(1) int chunkSize,
			@DefaultValue("4") @Min(1) int connections,
			@DefaultValue("0") @Min(0) double rateLimit,
			@DefaultValue @Valid Retry retry,
			@DefaultValue("64MB") @NotNull DataSize freeSpaceReserve,
			@DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration timeout) {
	}

	/**
	 * Retries of temporary SMTP failures (4xx replies, lost connections).
	 *
	 * @param maxAttempts attempts per message, the first included
	 * @param backoff wait before the second attempt, doubled for each further one
	 */
	public record Retry(
			@DefaultValue("3") @Min(1) int maxAttempts,
			@DefaultValue("2s") @NotNull Duration backoff) {
	}

	/**
	 * DKIM signing of every outgoing message (RFC 6376): on when all three are set, off when
	 * none is. The public key is published as a DNS TXT record at
	 * {@code <selector>._domainkey.<domain>}.
	 *
	 * @param domain the signing domain ({@code d=}), the From address's domain or a parent of it
	 * @param selector the selector ({@code s=}) naming the key in DNS
	 * @param privateKey the RSA private key: a PEM PKCS#8 file ({@code -----BEGIN PRIVATE KEY-----})
	 */
	public record Dkim(
			@DefaultValue("") String domain,
			@DefaultValue("") String selector,
			Path privateKey) {
	}

	/**
	 * The {@code serve} command's HTTP server (archive and unsubscribe pages), normally
	 * behind a reverse proxy that answers at {@code base-url} with TLS.
	 *
	 * @param port the TCP port; 0 for any free one
	 * @param bind the address listened on; {@code 0.0.0.0} for every interface
	 * @param requestTimeout a request's headers and body must have arrived within this (whole
	 *     seconds, at least 1), and a connection left idle this long is closed
	 * @param threads at most this many requests are read or answered at once; a connection
	 *     beyond them is closed unanswered
	 */
	public record Serve(
			@DefaultValue("8080") @Min(0) @Max(65535) int port,
			@DefaultValue("127.0.0.1") @NotBlank String bind,
			@DefaultValue("20s") @NotNull @DurationMin(seconds = 1) Duration requestTimeout,
			@DefaultValue("200") @Min(1) int threads) {
	}

	/**
	 * The email's size budget.
	 *
	 * @param maxHtmlBytes the most bytes the HTML part may take as sent (quoted-printable,
	 *     personal parts at their longest); Gmail clips a part over about 102 KB and hides the
	 *     rest, footer and unsubscribe link included. Entries past it become linked titles, then
	 *     a link to the web version, which holds them all
	 */
	public record Email(
			@DefaultValue("95000") @Min(20000) int maxHtmlBytes) {
	}

	/**
	 * The email's footer.
	 *
	 * @param sender who sends the newsletter, with a contact or postal address (CAN-SPAM asks it
	 *     of commercial senders); shown in the footer when set
	 */
	public record Footer(
			@DefaultValue("") String sender) {
	}
}
