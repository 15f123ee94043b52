package org.newsletter.config;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.sql.DataSource;


import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * An online backup of the data directory's database: HSQLDB's own {@code BACKUP DATABASE}
 * (a consistent tar.gz of its files, taken while it is open), with copies of the database's
 * password (without which the restored files cannot be opened) and of the unsubscribe secret beside it, without which the links in every email sent would stop working after a
 * restore. Readable by the owner only: the list is personal data.
 */
@Component
public class DatabaseBackup {

	private static final String SECRET = "unsubscribe.secret";

	private final DataSource dataSource;

	private final NewsletterProperties properties;

	private final Environment environment;

	public DatabaseBackup(DataSource dataSource, NewsletterProperties properties, Environment environment) {
		this.dataSource = dataSource;
		this.properties = properties;
		this.environment = environment;
	}

	/** What was written: the database, its password, the unsubscribe secret (when there is one). */
	public record Backup(Path database, Path password, Path secret) {
	}

	/**
	 * Backs up into {@code dir} (created when missing).
	 * @throws BadInputException when the database is not HSQLDB's file database, or {@code dir} is not a directory
	 */
	public Backup to(Path dir) throws IOException {
		Optional<Path> files = LostDatabase.hsqldbFile(environment.getProperty("spring.datasource.url"))
			.or(() -> Optional.ofNullable(environment.getProperty(DataDirLock.SERVICE_DATABASE)).map(Path::of));
		if (files.isEmpty()) {
			throw new BadInputException("the database is not the data directory's HSQLDB (spring.datasource.url); "
					+ "back PostgreSQL up with its own tools: pg_dump (README, Backups)");
		}
		if (Files.exists(dir) && !Files.isDirectory(dir)) {
			throw new BadInputException(dir + " is not a directory");
		}
		try {
			PrivateFiles.createDirectories(dir);
		}
		catch (FileSystemException ex) {
			boolean itself = ex.getFile() != null && Path.of(ex.getFile()).equals(dir);
			throw new BadInputException("cannot write the backup into " + dir + ": "
					+ (itself ? Failures.reason(ex) : Failures.describe(ex)));
		}
		List<Path> before = tarFiles(dir);
		backUpQuietly(dir);
		Path database = tarFiles(dir).stream().filter(file -> !before.contains(file)).findFirst()
			.orElseThrow(() -> new IOException("HSQLDB wrote no backup file in " + dir));
		ownerOnly(database);
		String name = database.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
		Path password = copy(DatabasePassword.file(files.get()), dir.resolve(name + ".password"));
		Path secret = copy(properties.dataDir().resolve(SECRET), dir.resolve(name + "." + SECRET));
		return new Backup(database, password, secret);
	}

	/** Copies {@code source}, owner-only, when it exists; the copy, or {@code null}. */
	private static Path copy(Path source, Path target) throws IOException {
		if (!Files.exists(source)) {
			return null;
		}
		Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
		ownerOnly(target);
		return target;
	}

	/**
	 * HSQLDB names the file {@code <database>-<timestamp>.tar.gz} when the target ends with a
	 * slash. Its tar writer prints each file's name to {@code System.out} ("1 / 3
	 * newsletter.properties...", {@code TarGenerator.write}), which is the operator's terminal:
	 * that goes nowhere while the backup is written.
	 */
	private void backUpQuietly(Path dir) {
		PrintStream terminal = System.out;
		System.setOut(new PrintStream(OutputStream.nullOutputStream()));
		try {
			JdbcClient.create(dataSource).sql("BACKUP DATABASE TO '" + dir.toAbsolutePath().normalize().toString().replace("'", "''")
					+ "/' BLOCKING COMPRESSED").update();
		}
		finally {
			System.setOut(terminal);
		}
	}

	private static List<Path> tarFiles(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(file -> file.getFileName().toString().endsWith(".tar.gz")).toList();
		}
	}

	private static void ownerOnly(Path file) throws IOException {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: its own access rules apply
		}
	}
}
