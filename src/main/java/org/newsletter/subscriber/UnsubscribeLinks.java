package org.newsletter.subscriber;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.newsletter.config.BadInputException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.PrivateFiles;

import org.springframework.stereotype.Component;

/**
 * Signed unsubscribe links: {@code <base-url>/unsubscribe?token=<id>.<hmac>}, where the HMAC
 * (SHA-256, key {@code newsletter.unsubscribe-secret}) proves the id was not tampered with.
 * Without a configured secret one is generated once and kept in the data dir, so links in
 * mail already sent stay valid: written owner-only, and refused when others can read or write
 * it (anyone who can read it can unsubscribe anyone), as OpenSSH refuses such a private key.
 * The same key makes the one-way hashes of forgotten addresses ({@link #addressHash}).
 */
@Component
public class UnsubscribeLinks {

	private final byte[] secret;

	private final String baseUrl;

	public UnsubscribeLinks(NewsletterProperties properties) {
		this.secret = secret(properties).getBytes(StandardCharsets.UTF_8);
		this.baseUrl = properties.baseUrl().replaceAll("/+$", "");
	}

	/** The one-click unsubscribe URL of a subscriber. */
	public String url(long subscriberId) {
		return baseUrl + "/unsubscribe?token=" + token(subscriberId);
	}

	public String token(long subscriberId) {
		return subscriberId + "." + mac(Long.toString(subscriberId));
	}

	/** The subscriber id a token stands for; empty when the token is malformed or tampered with. */
	public OptionalLong verify(String token) {
		if (token == null) {
			return OptionalLong.empty();
		}
		int dot = token.indexOf('.');
		if (dot < 1) {
			return OptionalLong.empty();
		}
		String id = token.substring(0, dot);
		if (!id.matches("\\d{1,18}")) {
			return OptionalLong.empty();
		}
		boolean valid = MessageDigest.isEqual(mac(id).getBytes(StandardCharsets.US_ASCII),
				token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
		return valid ? OptionalLong.of(Long.parseLong(id)) : OptionalLong.empty();
	}

	/**
	 * The one-way hash under which a forgotten address is kept (hex HMAC-SHA-256 of its
	 * {@linkplain EmailAddresses#key key}): keyed, so that the suppression list cannot be checked
	 * against a dictionary of addresses by someone without the secret. The prefix keeps these
	 * hashes apart from the tokens' MACs.
	 */
	public String addressHash(String emailKey) {
		return HexFormat.of().formatHex(digest("forgotten:" + emailKey));
	}

	/**
	 * A key of its own for another use of the installation's secret ({@code purpose}, e.g. the
	 * bounce tokens of return paths), derived from it so that what is signed for one use never
	 * passes for another: HMAC-SHA-256 of {@code "key:" + purpose}.
	 */
	public byte[] derivedKey(String purpose) {
		return digest("key:" + purpose);
	}

	private String mac(String value) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(value));
	}

	private byte[] digest(String value) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is missing from this JVM", ex);
		}
	}

	private static String secret(NewsletterProperties properties) {
		if (!properties.unsubscribeSecret().isBlank()) {
			return properties.unsubscribeSecret();
		}
		Path file = properties.dataDir().resolve("unsubscribe.secret");
		try {
			if (Files.exists(file)) {
				String open = PrivateFiles.readableOrWritableByOthers(file);
				if (open != null) {
					throw new BadInputException(file + " can be read or written by others (" + open
							+ "): anyone on this machine could forge unsubscribe links with it; make it private with: chmod 600 "
							+ file);
				}
				return Files.readString(file).strip();
			}
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			String generated = HexFormat.of().formatHex(random);
			PrivateFiles.createDirectories(file.getParent());
			PrivateFiles.writeNew(file, (generated + "\n").getBytes(StandardCharsets.US_ASCII));
			return generated;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read or create " + file, ex);
		}
	}
}
