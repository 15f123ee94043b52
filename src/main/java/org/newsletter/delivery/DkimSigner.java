package org.newsletter.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.newsletter.config.BadInputException;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.PrivateFiles;
import org.simplejavamail.utils.mail.dkim.Canonicalization;
import org.simplejavamail.utils.mail.dkim.DkimMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Signs outgoing messages with DKIM (RFC 6376, rsa-sha256, relaxed/relaxed) when
 * {@code newsletter.dkim.*} is configured; hands them back unchanged otherwise. The key is
 * read once at start-up, so a missing or malformed key stops the program before anything is
 * sent. The signature covers {@code List-Unsubscribe} and {@code List-Unsubscribe-Post}, as
 * RFC 8058 asks for one-click unsubscribe.
 */
@Component
public class DkimSigner {

	private static final Logger log = LoggerFactory.getLogger(DkimSigner.class);

	private static final Pattern PEM = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

	private final NewsletterProperties.Dkim settings;

	private final RSAPrivateKey key;

	public DkimSigner(NewsletterProperties properties) {
		this.settings = properties.dkim();
		this.key = configured(settings) ? readKey(settings.privateKey()) : null;
		if (key != null) {
			warnWhenNotAligned(properties.from());
		}
	}

	/** True when messages are signed. */
	public boolean enabled() {
		return key != null;
	}

	/**
	 * The message signed, keeping its Message-ID; the message itself when signing is off. The
	 * signature is computed when the message is written out (to SMTP or the outbox).
	 */
	public MimeMessage sign(MimeMessage message) throws MessagingException {
		if (key == null) {
			return message;
		}
		// The library's signer keeps a Signature and a MessageDigest: one per message, never shared by threads.
		var signer = new org.simplejavamail.utils.mail.dkim.DkimSigner(settings.domain().strip(),
				settings.selector().strip(), key);
		signer.setCheckDomainKey(false); // no DNS look-up per message; the README says how to check the record
		signer.setHeaderCanonicalization(Canonicalization.RELAXED);
		signer.setBodyCanonicalization(Canonicalization.RELAXED);
		signer.addHeaderToSign("List-Unsubscribe-Post");
		return new SignedMessage(message, signer);
	}

	/** All three settings or none. */
	private static boolean configured(NewsletterProperties.Dkim settings) {
		List<String> missing = new ArrayList<>();
		if (settings.domain().isBlank()) {
			missing.add("newsletter.dkim.domain");
		}
		if (settings.selector().isBlank()) {
			missing.add("newsletter.dkim.selector");
		}
		if (settings.privateKey() == null) {
			missing.add("newsletter.dkim.private-key");
		}
		if (missing.size() == 3) {
			return false;
		}
		if (!missing.isEmpty()) {
			throw new BadInputException("DKIM signing needs domain, selector and private-key together; missing "
					+ String.join(", ", missing));
		}
		if (!settings.domain().strip().matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+")) {
			throw new BadInputException("newsletter.dkim.domain '" + settings.domain() + "' is not a domain name");
		}
		if (!settings.selector().strip().matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*")) {
			throw new BadInputException("newsletter.dkim.selector '" + settings.selector() + "' is not a DNS label");
		}
		return true;
	}

	/**
	 * Reads an unencrypted PEM PKCS#8 RSA key of at least 1024 bits, refusing one that others can
	 * read or write (as OpenSSH refuses such a private key): whoever reads it can sign as the domain.
	 */
	static RSAPrivateKey readKey(Path file) {
		String text;
		try {
			String open = PrivateFiles.readableOrWritableByOthers(file);
			if (open != null) {
				throw new BadInputException("newsletter.dkim.private-key " + file + " can be read or written by others ("
						+ open + "): anyone on this machine could sign mail as the domain with it; make it private with: chmod 600 "
						+ file);
			}
			text = Files.readString(file, StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new BadInputException("newsletter.dkim.private-key: cannot read " + file + " (" + ex + ")");
		}
		if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
			throw new BadInputException("newsletter.dkim.private-key " + file + " is a PKCS#1 or encrypted key; "
					+ "convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out dkim.pem");
		}
		Matcher pem = PEM.matcher(text);
		if (!pem.find()) {
			throw new BadInputException("newsletter.dkim.private-key " + file
					+ " is not a PEM PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
		}
		try {
			var spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.group(1)));
			var rsa = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(spec);
			if (rsa.getModulus().bitLength() < 1024) {
				throw new BadInputException("newsletter.dkim.private-key " + file + " has "
						+ rsa.getModulus().bitLength() + " bits; DKIM verifiers need at least 1024 (2048 is usual)");
			}
			return rsa;
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new BadInputException("newsletter.dkim.private-key " + file + " is not an RSA private key ("
					+ ex.getMessage() + ")");
		}
	}

	/** DMARC passes only when the signing domain is the From domain or a parent of it. */
	private void warnWhenNotAligned(String from) {
		String domain = settings.domain().strip().toLowerCase(Locale.ROOT);
		try {
			String address = new InternetAddress(from).getAddress().toLowerCase(Locale.ROOT);
			String fromDomain = address.substring(address.lastIndexOf('@') + 1);
			if (!fromDomain.equals(domain) && !fromDomain.endsWith("." + domain)) {
				log.warn("newsletter.dkim.domain {} is not the From domain {} nor a parent of it: DMARC will not align",
						domain, fromDomain);
			}
		}
		catch (AddressException ex) {
			// MessageFactory refuses the From address with its own message
		}
	}

	/**
	 * A signed message that keeps the Message-ID it was built with (DESIGN.md §5) if it is saved
	 * again, and the envelope sender of the message it signs.
	 */
	private static final class SignedMessage extends DkimMessage implements Enveloped {

		private final String envelopeFrom;

		SignedMessage(MimeMessage message, org.simplejavamail.utils.mail.dkim.DkimSigner signer)
				throws MessagingException {
			super(message, signer);
			this.envelopeFrom = message instanceof Enveloped enveloped ? enveloped.envelopeFrom() : null;
		}

		@Override
		public String envelopeFrom() {
			return envelopeFrom;
		}

		@Override
		protected void updateMessageID() {
			// the copied Message-ID header stays
		}
	}
}
