package org.newsletter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.util.unit.DataSize;

/**
 * Whether the data directory can take a send's records before the first message goes out: on
 * a disk that fills up mid-send, the deliveries that could not be recorded are sent again by
 * the restart (at most one per connection, DESIGN.md §5), and nothing at all can be recorded
 * while it stays full.
 */
public final class DataDirSpace {

	/**
	 * Room one message's records take, with a wide margin. Measured: 20,000 deliveries (to the
	 * outbox) grew {@code db/} by 4.3 MB once checkpointed, 213 bytes a message, and HSQLDB's
	 * {@code .log} holds about as much again until the checkpoint: some 400 bytes at the peak.
	 */
	static final DataSize PER_MESSAGE = DataSize.ofKilobytes(2);

	private DataDirSpace() {
	}

	/**
	 * @param messages how many messages the send has to record
	 * @param reserve free space to keep beyond the send's own needs
	 * @throws DataDirUnusableException when the data directory has less room than that
	 */
	public static void checkRoomFor(Path dataDir, long messages, DataSize reserve) {
		long needed = messages * PER_MESSAGE.toBytes() + reserve.toBytes();
		long free;
		try {
			free = Files.getFileStore(dataDir).getUsableSpace(); // the data directory exists: its lock is held
		}
		catch (IOException ex) {
			throw new DataDirWriteException(DataDirWriteException.describe(dataDir.toAbsolutePath().normalize(), ex), ex);
		}
		if (free < needed) {
			throw new DataDirUnusableException("not enough free space in the data directory " + dataDir.toAbsolutePath().normalize()
					+ " to record this send: " + megabytes(free) + " free, " + megabytes(needed) + " needed (" + messages
					+ " messages and newsletter.send.free-space-reserve " + megabytes(reserve.toBytes())
					+ "); nothing was sent: free space, then restart");
		}
	}

	private static String megabytes(long bytes) {
		return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
	}
}
