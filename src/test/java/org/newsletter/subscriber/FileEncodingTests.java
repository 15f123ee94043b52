package org.newsletter.subscriber;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link FileEncoding} on small byte arrays, with small read buffers to cut characters in two. */
@Timeout(10)
class FileEncodingTests {

	private static final byte FF = (byte) 0xFF;

	@TempDir
	Path dir;

	@Test
	void asciiIsUtf8WithNothingToSay() throws IOException {
		var detected = detect(bytes("email,name\nada@example.org,Ada\n"));

		assertThat(detected).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 0, 0, false, false));
		assertThat(detected.clean()).isTrue();
	}

	@Test
	void validUtf8IsUtf8WithNothingToSay() throws IOException {
		var detected = detect(bytes("email,name\nzoe@example.org,Zo\u00EB\njose@example.org,Jos\u00E9 \uD83D\uDE00\n"));

		assertThat(detected).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 0, 0, false, true));
	}

	@Test
	void utf8WithOneDamagedByteIsUtf8AndNamesThatLine() throws IOException {
		var detected = detect(bytes("email,name\nzoe@example.org,Zo\u00EB\ngrace@example.org,Gr", new byte[] { FF },
				"ce\njose@example.org,Jos\u00E9\n"));

		assertThat(detected).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 1, 3, false, true));
		assertThat(detected.clean()).isFalse();
	}

	@Test
	void theWellFormedCharacterMayComeAfterTheDamage() throws IOException {
		var detected = detect(bytes("email,name\ngrace@example.org,Gr", new byte[] { FF }, "ce\n", "a@example.org,x\n".repeat(100),
				"zoe@example.org,Zo\u00EB\n"));

		assertThat(detected).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 1, 2, false, true));
	}

	@Test
	void damagedLinesAreCountedOnceEachAtTheirOwnNumbers() throws IOException {
		var detected = detect(bytes("email,name\r\nzoe@example.org,Zo\u00EB\r\na@example.org,", new byte[] { FF, 'x', FF },
				"\r\n\r\nb@example.org,Ok\rc@example.org,", new byte[] { (byte) 0xC3 }, "\n", new byte[] { (byte) 0xE9 }));

		// line 3 twice, line 6 (after the lone CR), and line 7: a character cut short by the end of the file
		assertThat(detected).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 3, 3, false, true));
	}

	@Test
	void windows1252WithNoUtf8CharacterIsWindows1252() throws IOException {
		byte[] file = "email,name\r\njose@example.org,Jos\u00E9 \u00C1lvarez\r\nzoe@example.org,Zo\u00EB \u2013 \u20AC\r\n"
			.getBytes("windows-1252");

		assertThat(detect(file))
			.isEqualTo(new FileEncoding.Detected(FileEncoding.WINDOWS_1252, 2, 2, false, false));
	}

	@Test
	void aByteOrderMarkKeepsAFileUtf8WithoutAnyOtherUtf8Character() throws IOException {
		var detected = detect(bytes(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, "email,name\nada@example.org,Ad",
				new byte[] { (byte) 0xE1 }, "\n"));

		assertThat(detected).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 1, 2, true, false));
	}

	@Test
	void aCharacterCutByTheBufferEndIsCompletedByTheNextRead() throws IOException {
		// "ë" (2 bytes), "€" (3) and an emoji (4), each cut at every place by some buffer size
		byte[] file = bytes("a\nZo\u00EB\n\u20AC\n\uD83D\uDE00\n");
		for (int size = 4; size <= file.length + 1; size++) {
			for (int chunk = 1; chunk <= 3; chunk++) {
				assertThat(FileEncoding.detect(trickle(file, chunk), size)).as("buffer %d, read %d at a time", size, chunk)
					.isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 0, 0, false, true));
			}
		}
	}

	@Test
	void aBadByteAndALineBreakCutByTheBufferEndAreCountedOnce() throws IOException {
		byte[] file = bytes("ab\r\nZo\u00EB\r\nx", new byte[] { (byte) 0xC3 }, "\r\ny\r\n", new byte[] { FF }, "\r\n");
		for (int size = 4; size <= file.length + 1; size++) {
			for (int chunk = 1; chunk <= 3; chunk++) {
				assertThat(FileEncoding.detect(trickle(file, chunk), size)).as("buffer %d, read %d at a time", size, chunk)
					.isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 2, 3, false, true));
			}
		}
	}

	@Test
	void aBufferTooSmallForOneCharacterIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileEncoding.detect(new ByteArrayInputStream(new byte[0]), 3));
	}

	@Test
	void anEmptyFileIsUtf8() throws IOException {
		assertThat(detect(new byte[0])).isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 0, 0, false, false));
	}

	@Test
	void aFileIsReadThroughToItsEnd() throws IOException {
		Path file = Files.write(dir.resolve("list.csv"), bytes("email,name\n", "a@example.org,A\n".repeat(200_000),
				"grace@example.org,Gr", new byte[] { FF }, "ce\nzoe@example.org,Zo\u00EB\n"));

		assertThat(FileEncoding.detect(file))
			.isEqualTo(new FileEncoding.Detected(StandardCharsets.UTF_8, 1, 200_002, false, true));
	}

	private static FileEncoding.Detected detect(byte[] file) throws IOException {
		return FileEncoding.detect(new ByteArrayInputStream(file), 16);
	}

	/** The strings in UTF-8 and the byte arrays as they are, one after the other. */
	private static byte[] bytes(Object... parts) {
		var out = new ByteArrayOutputStream();
		for (Object part : parts) {
			out.writeBytes(part instanceof byte[] raw ? raw : ((String) part).getBytes(StandardCharsets.UTF_8));
		}
		return out.toByteArray();
	}

	/** A stream that gives at most {@code chunk} bytes a read, as a pipe or a slow disk may. */
	private static InputStream trickle(byte[] file, int chunk) {
		return new ByteArrayInputStream(file) {

			@Override
			public synchronized int read(byte[] b, int off, int len) {
				return super.read(b, off, Math.min(len, chunk));
			}
		};
	}
}
