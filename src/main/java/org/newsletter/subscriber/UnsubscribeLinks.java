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

import org.newsletter.config.NewsletterProperties;

import org.springframework.stereotype.Component;

/**
 * Signed unsubscribe links: {@code <base-url>/unsubscribe?token=<id>.<hmac>}, where the HMAC
 * (SHA-256, key {@code newsletter.unsubscribe-secret}) proves the id was not tampered with.
 * Without a configured secret one is generated once and kept in the data dir, so links in
 * mail already sent stay valid.
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

	private String mac(String value) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
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
				return Files.readString(file).strip();
			}
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			String generated = HexFormat.of().formatHex(random);
			Files.createDirectories(file.getParent());
			Files.writeString(file, generated + "\n");
			return generated;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read or create " + file, ex);
		}
	}
}
