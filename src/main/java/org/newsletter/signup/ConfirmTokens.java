package org.newsletter.signup;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.newsletter.config.NewsletterProperties;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.stereotype.Component;

/**
 * The links of confirmation mails, {@code <base-url>/confirm?token=<id>.<expires>.<mac>}: the
 * subscriber's id, when the link expires (epoch seconds) and an HMAC-SHA-256 of both with the
 * address and the subscriber row's {@code updated_at}. The key is derived from the unsubscribe
 * secret for this purpose alone ({@link UnsubscribeLinks#derivedKey}), so no unsubscribe token
 * confirms anyone and no confirmation token unsubscribes anyone.
 * <p>
 * What the MAC binds decides which links go stale. The expiry: a link of an older mail names
 * an older expiry than the open sign-up's, so only the newest mail's link works. The row's last
 * change: a link mailed before an unsubscribe, an import or a bounce no longer confirms (an
 * unsubscribed person's week-old link must not subscribe them again), and a confirmation is a
 * change, so a link works once. The address: a link is for the address it was mailed to.
 */
@Component
public class ConfirmTokens {

	private static final Pattern TOKEN = Pattern.compile("(\\d{1,18})\\.(\\d{1,12})\\.([A-Za-z0-9_-]{43})");

	private final byte[] key;

	private final String baseUrl;

	ConfirmTokens(UnsubscribeLinks links, NewsletterProperties properties) {
		this.key = links.derivedKey("confirm sign-up");
		this.baseUrl = properties.baseUrl().replaceAll("/+$", "");
	}

	/** What a token says, not yet checked against the subscriber it names. */
	record Claim(long subscriberId, long expires, String mac) {
	}

	/** The confirmation link of an open sign-up. */
	String url(long subscriberId, String emailKey, Instant updatedAt, Instant expires) {
		return baseUrl + "/confirm?token=" + token(subscriberId, emailKey, updatedAt, expires);
	}

	String token(long subscriberId, String emailKey, Instant updatedAt, Instant expires) {
		return subscriberId + "." + expires.getEpochSecond() + "." + mac(subscriberId, expires.getEpochSecond(), updatedAt, emailKey);
	}

	/** The claim of a well-formed token; empty for anything else. */
	Optional<Claim> parse(String token) {
		Matcher parts = token == null ? null : TOKEN.matcher(token);
		if (parts == null || !parts.matches()) {
			return Optional.empty();
		}
		return Optional.of(new Claim(Long.parseLong(parts.group(1)), Long.parseLong(parts.group(2)), parts.group(3)));
	}

	/** Whether {@code claim} was made by us for this subscriber as it is now (compared in constant time). */
	boolean signs(Claim claim, String emailKey, Instant updatedAt) {
		String expected = mac(claim.subscriberId(), claim.expires(), updatedAt, emailKey);
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), claim.mac().getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The address goes last: the fields before it have fixed shapes (digits; an ISO instant), so
	 * no two different sets of values give the same text.
	 */
	private String mac(long subscriberId, long expires, Instant updatedAt, String emailKey) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			byte[] digest = mac.doFinal(("confirm:" + subscriberId + ":" + expires + ":" + updatedAt + ":" + emailKey)
				.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is missing from this JVM", ex);
		}
	}
}
