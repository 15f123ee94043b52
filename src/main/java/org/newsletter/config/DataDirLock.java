package org.newsletter.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Holds the data directory for this process: an operating-system lock on
 * {@code <data-dir>/newsletter.lock}, taken before the database opens and released by the
 * kernel when the process ends in any way (so a {@code kill -9} leaves no stale lock).
 */
public class DataDirLock implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered, AutoCloseable {

	private static final String LOCK_FILE = "newsletter.lock";

	private static final String HSQLDB_FILE = "jdbc:hsqldb:file:";

	private final boolean reset;

	private FileChannel channel;

	private FileLock lock;

	/** @param reset empty the data directory once the lock is held (the demo starts afresh) */
	public DataDirLock(boolean reset) {
		this.reset = reset;
	}

	/** After the configuration files are read, before logging opens its file in the data dir. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 15;
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		var environment = event.getEnvironment();
		Path dataDir = Path.of(environment.getProperty("newsletter.data-dir", "./data"));
		acquire(dataDir);
		String url = environment.getProperty("spring.datasource.url", "");
		if (url.startsWith(HSQLDB_FILE)) {
			String archive = environment.getProperty("newsletter.archive-dir");
			LostDatabase.check(dataDir, Path.of(url.substring(HSQLDB_FILE.length()).split(";", 2)[0]),
					archive != null && !archive.isBlank() ? Path.of(archive) : dataDir.resolve("archive"));
		}
	}

	void acquire(Path dataDir) {
		try {
			Files.createDirectories(dataDir);
			Path file = dataDir.resolve(LOCK_FILE);
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
			try {
				lock = channel.tryLock();
			}
			catch (java.nio.channels.OverlappingFileLockException ex) {
				lock = null; // held by this very process, through another channel
			}
			if (lock == null) {
				String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
				channel.close();
				throw new DataDirLockedException("another newsletter process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
						+ " is using the data directory " + dataDir.toAbsolutePath().normalize()
						+ "; wait for it to finish and try again");
			}
			if (reset) {
				emptyExceptLock(dataDir);
			}
			channel.truncate(0);
			channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
			channel.force(false);
		}
		catch (IOException ex) {
			throw new DataDirWriteException("cannot use the data directory " + dataDir.toAbsolutePath().normalize() + ": "
					+ DataDirWriteException.reason(ex), ex);
		}
	}

	private static void emptyExceptLock(Path dataDir) throws IOException {
		try (Stream<Path> paths = Files.walk(dataDir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				if (!path.equals(dataDir) && !path.getFileName().toString().equals(LOCK_FILE)) {
					Files.delete(path);
				}
			}
		}
	}

	@Override
	public void close() {
		try {
			if (lock != null) {
				lock.release();
			}
			if (channel != null) {
				channel.close();
			}
		}
		catch (IOException ex) {
			// the kernel releases it when the process ends
		}
	}

	/** The data directory is held by another process. */
	public static class DataDirLockedException extends DataDirUnusableException {

		public DataDirLockedException(String message) {
			super(message);
		}
	}
}
