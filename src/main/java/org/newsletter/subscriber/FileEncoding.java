package org.newsletter.subscriber;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Which charset a subscriber file is read in when the operator does not say: UTF-8 when every
 * byte is UTF-8 text, else Windows-1252, what a spreadsheet on Windows saves (every byte is a
 * character there, so a name with {@code é} imports as written). A file with a UTF-8 byte-order
 * mark says it is UTF-8: it stays UTF-8 and its lines that are not are rejected.
 * <p>
 * One streaming pass with a reporting decoder over a large buffer, so memory does not grow
 * with the file; only when a byte is wrong is the start read again to count its line.
 */
final class FileEncoding {

	static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

	private static final int BUFFER = 1 << 20;

	private FileEncoding() {
	}

	/**
	 * What a file was found to be.
	 *
	 * @param charset the charset to read it in
	 * @param firstBadLine the line of the first byte that is not UTF-8 text, 0 when there is none
	 * @param byteOrderMark whether the file starts with a UTF-8 byte-order mark
	 */
	record Detected(Charset charset, long firstBadLine, boolean byteOrderMark) {

		boolean utf8() {
			return firstBadLine == 0;
		}
	}

	static Detected detect(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file)) {
			CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT);
			ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
			CharBuffer chars = CharBuffer.allocate(BUFFER);
			boolean endOfInput = false;
			ByteBuffer head = ByteBuffer.allocate(3);
			while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
				// a file read in pieces smaller than three bytes
			}
			boolean byteOrderMark = head.position() == 3 && (head.get(0) & 0xFF) == 0xEF && (head.get(1) & 0xFF) == 0xBB
					&& (head.get(2) & 0xFF) == 0xBF;
			long decoded = 0;
			while (true) {
				bytes.compact();
				if (!endOfInput && channel.read(bytes) < 0) {
					endOfInput = true;
				}
				bytes.flip();
				int start = bytes.position();
				CoderResult result = decoder.decode(bytes, chars, endOfInput);
				decoded += bytes.position() - start;
				chars.clear();
				if (result.isError()) {
					long line = lineAt(channel, decoded);
					return new Detected(byteOrderMark ? StandardCharsets.UTF_8 : WINDOWS_1252, line, byteOrderMark);
				}
				if (result.isUnderflow() && endOfInput) {
					return new Detected(StandardCharsets.UTF_8, 0, byteOrderMark);
				}
			}
		}
	}

	/** The line (1-based, as CSV lines are counted: LF, CRLF or a lone CR end one) of the byte at {@code offset}. */
	private static long lineAt(FileChannel channel, long offset) throws IOException {
		ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
		long line = 1;
		long position = 0;
		boolean carriageReturn = false;
		channel.position(0);
		while (position < offset) {
			bytes.clear().limit((int) Math.min(BUFFER, offset - position));
			int n = channel.read(bytes);
			if (n < 0) {
				break;
			}
			byte[] array = bytes.array();
			for (int i = 0; i < n; i++) {
				byte b = array[i];
				if (b == '\r' || (b == '\n' && !carriageReturn)) {
					line++;
				}
				carriageReturn = b == '\r';
			}
			position += n;
		}
		return line;
	}
}
