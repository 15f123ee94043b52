package org.newsletter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Refuses to start on a data directory that has been used but whose HSQLDB database is gone:
 * HSQLDB would quietly create an empty one, and the list, the unsubscribes and the record of
 * what was sent would be lost without a word ("No runs yet", an empty list, exit 0). A used
 * directory is one with the unsubscribe secret (written at the first start, beside the
 * database) or an archived issue.
 */
final class LostDatabase {

	/** The secret's file, as {@code subscriber.UnsubscribeLinks} writes it. */
	private static final String SECRET = "unsubscribe.secret";

	private static final String HSQLDB_FILE = "jdbc:hsqldb:file:";

	private LostDatabase() {
	}

	/**
	 * The database's path in an HSQLDB file URL ({@code jdbc:hsqldb:file:<path>;...}); empty for
	 * any other database, PostgreSQL or HSQLDB's server.
	 */
	static Optional<Path> hsqldbFile(String url) {
		if (url == null || !url.startsWith(HSQLDB_FILE)) {
			return Optional.empty();
		}
		return Optional.of(Path.of(url.substring(HSQLDB_FILE.length()).split(";", 2)[0]));
	}

	/** Whether HSQLDB has made the database at {@code database} (its path as in the JDBC URL). */
	static boolean exists(Path database) {
		return Files.exists(database.resolveSibling(database.getFileName() + ".script"))
				|| Files.exists(database.resolveSibling(database.getFileName() + ".properties"));
	}

	/**
	 * @param database the database's path as in its JDBC URL ({@code <data-dir>/db/newsletter})
	 * @throws DataDirUnusableException when it is missing from a used data directory
	 */
	static void check(Path dataDir, Path database, Path archiveDir) {
		if (exists(database)) {
			return;
		}
		Path script = database.resolveSibling(database.getFileName() + ".script");
		List<String> signs = new ArrayList<>();
		if (Files.exists(dataDir.resolve(SECRET))) {
			signs.add(SECRET);
		}
		if (hasIssues(archiveDir)) {
			signs.add("archived issues in " + archiveDir);
		}
		if (!signs.isEmpty()) {
			throw new DataDirUnusableException("the data directory " + dataDir.toAbsolutePath().normalize()
					+ " has been used (" + String.join(", ", signs) + ") but its database " + script.getFileName()
					+ " is missing from " + script.getParent().toAbsolutePath().normalize()
					+ ": restore it from a backup (README, Backups); to start an empty list on purpose, move "
					+ SECRET + " and the archive away");
		}
	}

	private static boolean hasIssues(Path archiveDir) {
		if (!Files.isDirectory(archiveDir)) {
			return false;
		}
		try (Stream<Path> entries = Files.list(archiveDir)) {
			return entries.anyMatch(path -> Files.isRegularFile(path.resolve("index.html")));
		}
		catch (IOException ex) {
			return false;
		}
	}
}
