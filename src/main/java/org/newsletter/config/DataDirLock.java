package org.newsletter.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Holds the data directory for this process: an operating-system lock on
 * {@code <data-dir>/newsletter.lock}, taken before the database opens and released by the
 * kernel when the process ends in any way (so a {@code kill -9} leaves no stale lock).
 * <p>
 * The directory is private ({@link PrivateFiles}): created {@code 0700}; one that others can
 * enter is made owner-only, with everything in it, and the operator is told in one line. The
 * database and log folders and the log file are made here, owner-only, before HSQLDB and logback
 * would make them with the umask's permissions; what they create inside is tightened again when
 * the command ends. The archive folder, meant to be published, keeps its permissions, and the
 * unsubscribe secret is left for {@code UnsubscribeLinks} to refuse when others can read it.
 */
public class DataDirLock implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered, AutoCloseable {

	private static final String LOCK_FILE = "newsletter.lock";

	/** Beside the service: the path of the HSQLDB file database the service holds (for {@code backup}). */
	static final String SERVICE_DATABASE = "newsletter-service.database-file";


	private static final String SECRET = "unsubscribe.secret";

	private final boolean reset;

	private final boolean besideService;

	private ServiceAnnouncement service;

	private FileChannel channel;

	private FileLock lock;

	private Path dataDir;

	private Path archiveDir;

	/**
	 * Where HSQLDB and logback create files with the umask's permissions (a checkpoint's new
	 * files, a rolled log): tightened again when the command ends. Only these, not the whole
	 * data directory, whose outbox may hold a million messages.
	 */
	private final List<Path> engineFolders = new ArrayList<>();

	/** The data directory, once the configuration has named it; {@code null} before. */
	public Path dataDir() {
		return dataDir;
	}

	/**
	 * @param reset empty the data directory once the lock is held (the demo starts afresh)
	 * @param besideService when a live {@code serve} holds the directory, connect through it
	 *     rather than fail (DESIGN.md §12)
	 */
	public DataDirLock(boolean reset, boolean besideService) {
		this.reset = reset;
		this.besideService = besideService;
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
		String archive = environment.getProperty("newsletter.archive-dir");
		Path archiveDir = archive != null && !archive.isBlank() ? Path.of(archive) : dataDir.resolve("archive");
		Path database = LostDatabase.hsqldbFile(environment.getProperty("spring.datasource.url")).orElse(null);
		try {
			acquire(dataDir, archiveDir);
		}
		catch (DataDirLockedException ex) {
			service = ServiceAnnouncement.live(dataDir).orElseThrow(() -> ex);
			if (!besideService) {
				throw new DataDirLockedException("newsletter serve (pid " + service.pid() + ") is running on the data directory "
						+ dataDir.toAbsolutePath().normalize() + "; stop it first (this command cannot run beside it)");
			}
			if (database != null && service.port() == 0) {
				throw new DataDirLockedException("newsletter serve (pid " + service.pid() + ") is running on the data directory "
						+ dataDir.toAbsolutePath().normalize() + " with another database (spring.datasource.url) than this "
						+ "command's HSQLDB file; give this command the service's settings");
			}
			if (database != null) {
				connectThrough(environment, database);
			}
			return;
		}
		if (database != null) {
			LostDatabase.check(dataDir, database, archiveDir);
		}
		String logFile = environment.getProperty("logging.file.name");
		prepare(database, logFile == null || logFile.isBlank() ? null : Path.of(logFile));
	}

	/**
	 * The HSQLDB file is the service's: this process reaches the database through the
	 * service's server, with the database's password.
	 */
	private void connectThrough(ConfigurableEnvironment environment, Path database) {
		Map<String, Object> settings = new HashMap<>();
		settings.put("spring.datasource.url", service.jdbcUrl());
		settings.put(SERVICE_DATABASE, database.toString());
		String password = environment.getProperty("spring.datasource.password");
		if (password == null || password.isEmpty()) {
			try {
				settings.put("spring.datasource.username", "SA");
				settings.put("spring.datasource.password",
						DatabasePassword.read(DatabasePassword.file(database)));
			}
			catch (IOException ex) {
				throw new DataDirUnusableException("cannot read the database's password " + DatabasePassword.file(database)
						+ " to run beside the service: " + DataDirWriteException.reason(ex));
			}
		}
		environment.getPropertySources().addFirst(new MapPropertySource("newsletter-service", settings));
	}

	void acquire(Path dataDir, Path archiveDir) {
		this.dataDir = dataDir;
		this.archiveDir = archiveDir.toAbsolutePath().normalize();
		try {
			String open = Files.isDirectory(dataDir) ? PrivateFiles.openToOthers(dataDir) : null;
			if (open != null) {
				int changed = PrivateFiles.tighten(dataDir, this::keepsItsPermissions);
				System.err.println("newsletter: the data directory " + dataDir.toAbsolutePath().normalize()
						+ " was open to others (" + open + "): made it and " + (changed - 1)
						+ " files and folders in it owner-only (the list is personal data)");
			}
			PrivateFiles.createDirectories(dataDir);
			Path file = dataDir.resolve(LOCK_FILE);
			PrivateFiles.createFile(file);
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

	/**
	 * Makes the database's folder and the log file owner-only before HSQLDB and logback create
	 * them with the umask's permissions (logback appends to the file it finds, keeping its mode).
	 */
	private void prepare(Path database, Path logFile) {
		try {
			if (database != null && database.getParent() != null) {
				PrivateFiles.createDirectories(database.getParent());
				engineFolders.add(database.getParent());
			}
			if (logFile != null && logFile.getParent() != null) {
				PrivateFiles.createDirectories(logFile.getParent());
				PrivateFiles.createFile(logFile);
				engineFolders.add(logFile.getParent());
			}
		}
		catch (IOException ex) {
			throw new DataDirWriteException("cannot use the data directory: " + DataDirWriteException.reason(ex), ex);
		}
	}

	/** The archive is published; the secret is refused, not silently mended, when others can read it. */
	private boolean keepsItsPermissions(Path path) {
		Path absolute = path.toAbsolutePath().normalize();
		return absolute.equals(archiveDir) || absolute.equals(dataDir.resolve(SECRET).toAbsolutePath().normalize());
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
		if (lock != null) {
			try {
				// HSQLDB rewrites its files at a checkpoint, and logback rolls its log, with the umask's permissions
				for (Path folder : engineFolders) {
					if (Files.isDirectory(folder)) {
						PrivateFiles.tighten(folder, this::keepsItsPermissions);
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// the directory itself is owner-only; the next start tightens again
			}
		}
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
