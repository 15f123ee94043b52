package org.newsletter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * A DKIM key pair made for one test, and an independent verifier (Apache James jDKIM) that
 * finds the public key where DNS would publish it.
 */
public final class DkimKeys {

	private final KeyPair pair;

	private DkimKeys(KeyPair pair) {
		this.pair = pair;
	}

	public static DkimKeys generate() {
		try {
			var generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return new DkimKeys(generator.generateKeyPair());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Writes the private key as PEM PKCS#8, as {@code openssl genpkey} does, owner-only; returns the file. */
	public Path writePrivateKey(Path file) {
		Path written = writePrivateKeyAsUmaskAllows(file);
		try {
			return Files.setPosixFilePermissions(written, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Writes the private key with the permissions the umask gives a new file (0644 under umask 022). */
	public Path writePrivateKeyAsUmaskAllows(Path file) {
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		try {
			return Files.writeString(file, pem);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The DNS TXT record publishing the public key. */
	public String txtRecord() {
		return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
	}

	/**
	 * Verifies the raw message's signatures against the public key published for
	 * {@code selector._domainkey.domain}; throws {@link FailException} when none verifies.
	 */
	public List<SignatureRecord> verify(byte[] message, String selector, String domain) throws IOException, FailException {
		var verifier = new DKIMVerifier((method, s, d) -> selector.contentEquals(s) && domain.contentEquals(d)
				? List.of(txtRecord()) : List.of());
		return verifier.verify(new ByteArrayInputStream(message));
	}
}
