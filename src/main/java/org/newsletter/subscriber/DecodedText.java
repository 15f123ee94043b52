package org.newsletter.subscriber;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * The characters of a byte stream in a charset, one at a time, where bytes that are not text
 * in that charset come out as {@link #UNDECODABLE} in their place: the reader sees exactly
 * where they were, and the text after them is still read. ({@link java.io.InputStreamReader}
 * either replaces them silently or throws at a point its read-ahead has long passed.)
 */
final class DecodedText implements Closeable {

	static final int EOF = -1;

	/** Stands for a run of bytes that are not text in the charset. */
	static final int UNDECODABLE = -3;

	private static final int BUFFER = 65536;

	private final InputStream in;

	private final CharsetDecoder decoder;

	private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();

	private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();

	private boolean endOfInput;

	private boolean undecodable;

	private boolean done;

	DecodedText(InputStream in, Charset charset) {
		this.in = in;
		this.decoder = charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
	}

	/** The next character, {@link #UNDECODABLE} or {@link #EOF}. */
	int read() throws IOException {
		while (true) {
			if (chars.hasRemaining()) {
				return chars.get();
			}
			if (undecodable) {
				undecodable = false;
				return UNDECODABLE;
			}
			if (done) {
				return EOF;
			}
			decodeMore();
		}
	}

	/** Decodes until there are characters, an undecodable run (after the characters before it) or the end. */
	private void decodeMore() throws IOException {
		chars.clear();
		try {
			while (chars.position() == 0 && !undecodable && !done) {
				CoderResult result = decoder.decode(bytes, chars, endOfInput);
				if (result.isError()) {
					bytes.position(bytes.position() + result.length());
					undecodable = true;
				}
				else if (result.isUnderflow()) {
					if (endOfInput) {
						decoder.flush(chars);
						done = true;
					}
					else {
						fill();
					}
				}
			}
		}
		finally {
			chars.flip();
		}
	}

	private void fill() throws IOException {
		endOfInput = !refill(in, bytes);
	}

	/**
	 * Keeps the bytes of {@code buffer} not yet decoded and reads more after them, leaving it
	 * ready to decode.
	 * @return false at the end of the input
	 */
	static boolean refill(InputStream in, ByteBuffer buffer) throws IOException {
		buffer.compact();
		int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
		if (n > 0) {
			buffer.position(buffer.position() + n);
		}
		buffer.flip();
		return n >= 0;
	}

	@Override
	public void close() throws IOException {
		in.close();
	}
}
