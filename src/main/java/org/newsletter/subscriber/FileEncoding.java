package org.newsletter.subscriber;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which charset a subscriber file is read in when the operator does not say, decided from the
 * evidence in its bytes:
 * <ul>
 * <li>every byte is UTF-8 text (ASCII included): UTF-8;</li>
 * <li>some bytes are not, but the file starts with a UTF-8 byte-order mark or holds at least one
 * well-formed multi-byte UTF-8 character: UTF-8 with damaged lines, each rejected on its own
 * (reading such a file as Windows-1252 would garble every accented name in it, {@code Zoë} as
 * {@code ZoÃ«}, to save the one damaged line);</li>
 * <li>some bytes are not, and nothing else in the file is UTF-8 beyond ASCII: Windows-1252, what
 * a spreadsheet on Windows saves (every byte is a character there, so a name with {@code é}
 * imports as written).</li>
 * </ul>
 * One streaming pass: the JDK's reporting UTF-8 decoder over a buffer of fixed size, the decoded
 * characters scanned for line breaks and non-ASCII as they come, so memory does not grow with the
 * file and the bad lines are counted as they are met.
 */
final class FileEncoding {

	static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

	static final int BUFFER = 1 << 20;

	private static final char BYTE_ORDER_MARK = '\uFEFF';

	private FileEncoding() {
	}

	/**
	 * What a file was found to be.
	 *
	 * @param charset the charset to read it in
	 * @param badLines how many lines hold bytes that are not UTF-8 text
	 * @param firstBadLine the first of those lines (1-based, as CSV lines are counted: LF, CRLF or
	 * a lone CR end one), 0 when there is none
	 * @param byteOrderMark whether the file starts with a UTF-8 byte-order mark
	 * @param multiByte whether the file holds a well-formed multi-byte UTF-8 character (the
	 * byte-order mark aside)
	 */
	record Detected(Charset charset, long badLines, long firstBadLine, boolean byteOrderMark, boolean multiByte) {

		/** Whether every byte is UTF-8 text. */
		boolean clean() {
			return badLines == 0;
		}

		/** Whether it is read as UTF-8 (clean, or with its bad lines rejected). */
		boolean utf8() {
			return charset.equals(StandardCharsets.UTF_8);
		}
	}

	static Detected detect(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return detect(in, BUFFER);
		}
	}

	/**
	 * Reads {@code in} to its end, {@code bufferSize} bytes at a time (at least 4, the longest
	 * UTF-8 character, so a character cut by the buffer's end is completed by the next read).
	 */
	static Detected detect(InputStream in, int bufferSize) throws IOException {
		if (bufferSize < 4) {
			throw new IllegalArgumentException("buffer of " + bufferSize + " bytes: a UTF-8 character takes up to 4");
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer bytes = ByteBuffer.allocate(bufferSize).flip();
		// UTF-8 never gives more characters than bytes, so one decode empties what was read
		CharBuffer chars = CharBuffer.allocate(bufferSize);
		Scan scan = new Scan();
		boolean endOfInput = false;
		while (true) {
			int before = bytes.position();
			CoderResult result = decoder.decode(bytes, chars, endOfInput);
			scan.characters(chars.flip(), bytes.position() - before);
			chars.clear();
			if (result.isError()) {
				// the JDK's decoder never counts an ASCII byte into a malformed run, so no line break is skipped
				bytes.position(bytes.position() + result.length());
				scan.notText();
			}
			else if (result.isUnderflow()) {
				if (endOfInput) {
					break;
				}
				endOfInput = !DecodedText.refill(in, bytes);
			}
		}
		boolean utf8 = scan.badLines == 0 || scan.byteOrderMark || scan.multiByte;
		return new Detected(utf8 ? StandardCharsets.UTF_8 : WINDOWS_1252, scan.badLines, scan.firstBadLine,
				scan.byteOrderMark, scan.multiByte);
	}

	/** What the pass has seen so far. */
	private static final class Scan {

		long line = 1;

		long badLines;

		long firstBadLine;

		long lastBadLine;

		boolean carriageReturn;

		boolean start = true;

		boolean byteOrderMark;

		boolean multiByte;

		/** Counts the line breaks in {@code chars}, decoded from {@code bytes} bytes. */
		void characters(CharBuffer chars, int bytes) {
			if (!chars.hasRemaining()) {
				return;
			}
			char[] array = chars.array();
			int from = chars.arrayOffset() + chars.position();
			int end = chars.arrayOffset() + chars.limit();
			if (start) {
				start = false;
				if (array[from] == BYTE_ORDER_MARK) {
					byteOrderMark = true;
					from++;
					bytes -= 3;
				}
			}
			// a multi-byte character gives fewer characters than bytes: no need to look at each
			multiByte |= end - from < bytes;
			long line = this.line;
			char previous = carriageReturn ? '\r' : 0;
			// a line break is rare: one comparison a character for the others keeps this close to the decoder's speed
			for (int i = from; i < end; i++) {
				char c = array[i];
				if (c <= '\r') {
					if (c == '\r' || (c == '\n' && (i > from ? array[i - 1] : previous) != '\r')) {
						line++;
					}
				}
			}
			this.line = line;
			this.carriageReturn = array[end - 1] == '\r';
		}

		void notText() {
			start = false;
			// as CsvRecords reads it: bytes that are not text between CR and LF part them
			carriageReturn = false;
			if (line != lastBadLine) {
				badLines++;
				lastBadLine = line;
				if (firstBadLine == 0) {
					firstBadLine = line;
				}
			}
		}
	}
}
