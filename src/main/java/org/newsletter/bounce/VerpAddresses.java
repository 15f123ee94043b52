package org.newsletter.bounce;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.newsletter.delivery.ReturnPaths;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.stereotype.Component;

/**
 * VERP return paths (variable envelope return path): with {@code newsletter.bounce.return-path}
 * {@code bounces@example.org}, issue 12's message to subscriber 345 is sent with the envelope
 * sender {@code bounces+12-345-k4vq7c2mzd@example.org}, so the report of its failure comes back
 * to an address that names the delivery, whatever the reporting server writes in its text.
 * <p>
 * The token's last part is the first 50 bits of an HMAC-SHA-256 of the two ids, in lower-case
 * base32: a bounce can only be pinned on a delivery by someone who has seen that delivery's
 * return path, so nobody can have others marked bounced by mailing forged reports to the bounce
 * mailbox (2<sup>50</sup> guesses per address). Its key is derived from the installation's secret
 * for this use only ({@link UnsubscribeLinks#derivedKey}). Only digits, letters, {@code +} and
 * {@code -}: valid in a local part everywhere, and read case-insensitively, since some relays
 * change the case of addresses. About 40 characters in all.
 * <p>
 * Per message this costs one HMAC of a few bytes from a prepared {@link Mac} (a clone, so the
 * sending threads share nothing that changes).
 */
@Component
public class VerpAddresses implements ReturnPaths {

	static final String PURPOSE = "bounce-return-path";

	/** Characters of the token's MAC: 10 base32 characters, 50 bits. */
	private static final int MAC_CHARS = 10;

	private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

	private final String local;

	private final String domain;

	private final byte[] key;

	private final Mac prototype;

	private final Pattern token;

	public VerpAddresses(BounceProperties properties, UnsubscribeLinks links) {
		String returnPath = properties.returnPath().strip();
		int at = returnPath.lastIndexOf('@');
		this.local = at > 0 ? returnPath.substring(0, at) : null;
		this.domain = at > 0 ? returnPath.substring(at + 1).toLowerCase(Locale.ROOT) : null;
		this.key = local == null ? null : links.derivedKey(PURPOSE);
		this.prototype = local == null ? null : mac(key);
		this.token = local == null ? null : Pattern.compile(Pattern.quote(local) + "\\+(\\d{1,18})-(\\d{1,18})-([a-z2-7]{"
				+ MAC_CHARS + "})@" + Pattern.quote(domain), Pattern.CASE_INSENSITIVE);
	}

	@Override
	public String of(long issueId, long subscriberId) {
		if (local == null) {
			return null;
		}
		return local + "+" + issueId + "-" + subscriberId + "-" + code(issueId, subscriberId) + "@" + domain;
	}

	/**
	 * The delivery named by the first return path of ours in {@code text} whose MAC holds; empty
	 * when there is none (no return path configured, none in the text, or only forged ones).
	 */
	Optional<DeliveryRef> find(CharSequence text) {
		if (token == null) {
			return Optional.empty();
		}
		Matcher found = token.matcher(text);
		while (found.find()) {
			try {
				long issueId = Long.parseLong(found.group(1));
				long subscriberId = Long.parseLong(found.group(2));
				if (MessageDigest.isEqual(code(issueId, subscriberId).getBytes(StandardCharsets.US_ASCII),
						found.group(3).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
					return Optional.of(new DeliveryRef(issueId, subscriberId));
				}
			}
			catch (NumberFormatException ex) {
				// 18 digits that overflow a long: not one of ours
			}
		}
		return Optional.empty();
	}

	private String code(long issueId, long subscriberId) {
		byte[] digest = prepared().doFinal((issueId + "-" + subscriberId).getBytes(StandardCharsets.US_ASCII));
		var code = new StringBuilder(MAC_CHARS);
		for (int i = 0; i < MAC_CHARS; i++) {
			int bit = i * 5;
			int twoBytes = ((digest[bit / 8] & 0xff) << 8) | (digest[bit / 8 + 1] & 0xff);
			code.append(BASE32[(twoBytes >> (11 - bit % 8)) & 31]);
		}
		return code.toString();
	}

	private Mac prepared() {
		try {
			return (Mac) prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			return mac(key); // a security provider whose Mac cannot be cloned
		}
	}

	private static Mac mac(byte[] key) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is missing from this JVM", ex);
		}
	}
}
