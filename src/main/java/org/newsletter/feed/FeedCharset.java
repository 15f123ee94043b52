package org.newsletter.feed;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes a feed's bytes to text. The encoding comes from, in this order: a byte-order mark,
 * the HTTP {@code charset}, the XML declaration (read in the encoding its first bytes reveal),
 * else UTF-8. Bytes that are not valid in it never fail the feed: text labelled (or taken to
 * be) UTF-8 that is not is read as Windows-1252, and anything else undecodable becomes U+FFFD.
 */
final class FeedCharset {

	private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

	private static final Charset UTF_32BE = Charset.forName("UTF-32BE");

	private static final Charset UTF_32LE = Charset.forName("UTF-32LE");

	private static final String C1_AS_WINDOWS_1252 = c1AsWindows1252();

	private static final Pattern DECLARED = Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");

	private static final Pattern HTTP_CHARSET = Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([A-Za-z0-9._:-]+)");

	private FeedCharset() {
	}

	/** The text of {@code bytes}; {@code contentType} is the HTTP header, null for a file. */
	static String decode(byte[] bytes, String contentType) {
		Bom bom = Bom.of(bytes);
		if (bom != null) {
			return demoronize(lenient(bytes, bom.mark.length, bom.charset));
		}
		Charset charset = fromHttp(contentType).or(() -> declared(bytes)).orElse(StandardCharsets.UTF_8);
		if (charset.equals(StandardCharsets.UTF_8)) {
			try {
				return demoronize(strict(bytes, charset));
			}
			catch (CharacterCodingException ex) {
				charset = WINDOWS_1252;
			}
		}
		return demoronize(lenient(bytes, 0, charset));
	}

	private static Optional<Charset> fromHttp(String contentType) {
		if (contentType == null) {
			return Optional.empty();
		}
		Matcher charset = HTTP_CHARSET.matcher(contentType);
		return charset.find() ? named(charset.group(1)) : Optional.empty();
	}

	/**
	 * The encoding the XML declaration names, read in the encoding the first bytes reveal. A
	 * file whose bytes start UTF-16 or UTF-32 style ({@code <} and zero bytes) is that, whatever
	 * it declares; an 8-bit file declaring UTF-16 or UTF-32 is not believed.
	 */
	private static Optional<Charset> declared(byte[] bytes) {
		Charset family = family(bytes);
		if (!family.equals(StandardCharsets.ISO_8859_1)) {
			return Optional.of(family);
		}
		Matcher declaration = DECLARED.matcher(new String(bytes, 0, Math.min(bytes.length, 1024), family));
		return declaration.find() ? named(declaration.group(1)).filter(c -> !isWide(c)) : Optional.empty();
	}

	private static Charset family(byte[] b) {
		if (b.length >= 4 && b[0] == '<' && b[1] == 0 && b[2] == 0 && b[3] == 0) {
			return UTF_32LE;
		}
		if (b.length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == '<') {
			return UTF_32BE;
		}
		if (b.length >= 2 && b[0] == '<' && b[1] == 0) {
			return StandardCharsets.UTF_16LE;
		}
		if (b.length >= 2 && b[0] == 0 && b[1] == '<') {
			return StandardCharsets.UTF_16BE;
		}
		return StandardCharsets.ISO_8859_1;
	}

	private static boolean isWide(Charset charset) {
		return charset.name().startsWith("UTF-16") || charset.name().startsWith("UTF-32");
	}

	/** A named charset; ISO-8859-1 and US-ASCII as their superset Windows-1252, as browsers read them. */
	private static Optional<Charset> named(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (lower.equals("iso-8859-1") || lower.equals("latin1") || lower.equals("us-ascii") || lower.equals("ascii")) {
			return Optional.of(WINDOWS_1252);
		}
		try {
			return Optional.of(Charset.forName(name));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static String strict(byte[] bytes, Charset charset) throws CharacterCodingException {
		return charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(bytes))
			.toString();
	}

	private static String lenient(byte[] bytes, int offset, Charset charset) {
		try {
			CharBuffer chars = charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPLACE)
				.onUnmappableCharacter(CodingErrorAction.REPLACE)
				.decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalStateException("a replacing decoder reported an error", ex);
		}
	}

	/**
	 * C1 control characters in a feed are nearly always Windows-1252 punctuation (curly quotes,
	 * dashes) that went through a Latin-1 decoder on the way: they become that punctuation.
	 */
	private static String demoronize(String text) {
		if (text.chars().noneMatch(FeedCharset::isC1)) {
			return text;
		}
		var out = new StringBuilder(text.length());
		text.chars().forEach(c -> out.append(isC1(c) ? C1_AS_WINDOWS_1252.charAt(c - 0x80) : (char) c));
		return out.toString();
	}

	private static boolean isC1(int c) {
		return c >= 0x80 && c <= 0x9F;
	}

	/** U+0080..U+009F read as Windows-1252 bytes; its five unassigned bytes stay as they were. */
	private static String c1AsWindows1252() {
		var table = new StringBuilder();
		for (int c = 0x80; c <= 0x9F; c++) {
			String decoded = new String(new byte[] { (byte) c }, WINDOWS_1252);
			table.append(decoded.equals("\uFFFD") ? (char) c : decoded.charAt(0));
		}
		return table.toString();
	}

	/** The byte-order marks and what they mean. */
	private enum Bom {

		UTF_32_BE(new byte[] { 0, 0, (byte) 0xFE, (byte) 0xFF }, FeedCharset.UTF_32BE),
		UTF_32_LE(new byte[] { (byte) 0xFF, (byte) 0xFE, 0, 0 }, FeedCharset.UTF_32LE),
		UTF_8(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, StandardCharsets.UTF_8),
		UTF_16_BE(new byte[] { (byte) 0xFE, (byte) 0xFF }, StandardCharsets.UTF_16BE),
		UTF_16_LE(new byte[] { (byte) 0xFF, (byte) 0xFE }, StandardCharsets.UTF_16LE);

		private final byte[] mark;

		private final Charset charset;

		Bom(byte[] mark, Charset charset) {
			this.mark = mark;
			this.charset = charset;
		}

		/** The mark {@code bytes} start with; UTF-32 LE is tried before UTF-16 LE, whose mark it begins with. */
		static Bom of(byte[] bytes) {
			for (Bom bom : values()) {
				int length = bom.mark.length;
				if (bytes.length >= length && java.util.Arrays.equals(bytes, 0, length, bom.mark, 0, length)) {
					return bom;
				}
			}
			return null;
		}
	}
}
