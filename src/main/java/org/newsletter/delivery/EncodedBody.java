package org.newsletter.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import org.newsletter.issue.Issue;

/**
 * One body of an issue, quoted-printable encoded once: a message only encodes its few personal
 * values and splices them in. Every piece starts a new encoded line and all but the last end
 * with a soft line break ({@code =CRLF}, which decodes to nothing), so the pieces join without
 * breaking the 76-column rule and the decoded text is exactly the personalised body. Sending
 * then copies bytes instead of encoding (and first scanning) 100 KB per message.
 */
final class EncodedBody {

	private static final byte[] SOFT_BREAK = "=\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

	private final String contentType;

	private final List<Issue.Piece> pieces;

	private final List<byte[]> encoded;

	private final int fixedLength;

	/**
	 * @param contentType e.g. {@code text/html; charset=UTF-8}
	 * @param pieces the body's fixed text and placeholders
	 */
	EncodedBody(String contentType, List<Issue.Piece> pieces) {
		this.contentType = contentType;
		this.pieces = pieces;
		this.encoded = new ArrayList<>(pieces.size());
		int length = 0;
		for (Issue.Piece piece : pieces) {
			byte[] bytes = piece.fixed() ? encode(piece.text()) : null;
			encoded.add(bytes);
			length += bytes == null ? 0 : bytes.length + SOFT_BREAK.length;
		}
		this.fixedLength = length;
	}

	/** The MIME part of this body for one message, its values passed through {@code escape}. */
	MimeBodyPart part(Issue.Personalisation values, UnaryOperator<String> escape) throws MessagingException {
		var out = new ByteArrayOutputStream(fixedLength + 512);
		for (int i = 0; i < pieces.size(); i++) {
			byte[] bytes = encoded.get(i);
			out.writeBytes(bytes != null ? bytes : encode(escape.apply(pieces.get(i).valueIn(values))));
			if (i < pieces.size() - 1) {
				out.writeBytes(SOFT_BREAK);
			}
		}
		var headers = new InternetHeaders();
		headers.setHeader("Content-Type", contentType);
		headers.setHeader("Content-Transfer-Encoding", "quoted-printable");
		return new MimeBodyPart(headers, out.toByteArray());
	}

	/**
	 * Quoted-printable (RFC 2045 §6.7) of {@code text} as UTF-8: line breaks become CRLF, lines
	 * are at most 76 columns with soft breaks, and a space or tab ending a line is encoded.
	 * Written here rather than through {@code MimeUtility.encode}, which looks its stream
	 * provider up through the service loader on every call.
	 */
	static byte[] encode(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		// a plain array rather than a ByteArrayOutputStream, whose write takes a lock per byte;
		// no byte grows to more than 3, and a soft break (3) comes at most every 73 columns
		byte[] out = new byte[3 * bytes.length + 3 * (bytes.length / 24) + 8];
		int length = 0;
		int column = 0;
		for (int i = 0; i < bytes.length; i++) {
			int b = bytes[i] & 0xff;
			if (b == '\r' || b == '\n') {
				if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
					i++;
				}
				out[length++] = '\r';
				out[length++] = '\n';
				column = 0;
				continue;
			}
			boolean endsLine = i + 1 == bytes.length || bytes[i + 1] == '\r' || bytes[i + 1] == '\n';
			boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !endsLine);
			int width = literal ? 1 : 3;
			if (column + width > 75) {
				out[length++] = '=';
				out[length++] = '\r';
				out[length++] = '\n';
				column = 0;
			}
			if (literal) {
				out[length++] = (byte) b;
			}
			else {
				out[length++] = '=';
				out[length++] = HEX[b >> 4];
				out[length++] = HEX[b & 0xf];
			}
			column += width;
		}
		return Arrays.copyOf(out, length);
	}
}
