package org.newsletter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * The HSQLDB file database's password. While {@code serve} runs, the database also answers on a
 * loopback port (HSQLDB's server mode, for the commands beside it), which every local user can
 * reach: its administrator {@code SA} cannot keep HSQLDB's default empty password. The password
 * is made at random once, kept owner-only beside the database files
 * ({@code <database>.password}, e.g. {@code data/db/newsletter.password}) and used by every
 * connection; a database made before passwords gets it at its next start. An operator who sets
 * {@code spring.datasource.password} keeps theirs.
 */
@Component
class DatabasePassword implements BeanPostProcessor {

	/** HSQLDB's answer to a wrong password. */
	private static final String INVALID_AUTHORIZATION = "28000";

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && (pool.getPassword() == null || pool.getPassword().isEmpty())
				&& (pool.getUsername() == null || pool.getUsername().equalsIgnoreCase("SA"))) {
			Optional<Path> database = LostDatabase.hsqldbFile(pool.getJdbcUrl());
			if (database.isPresent()) {
				pool.setUsername("SA");
				pool.setPassword(ensure(database.get(), pool.getJdbcUrl()));
			}
		}
		return bean;
	}

	/** The password file of the database at {@code database} (its path as in the JDBC URL). */
	public static Path file(Path database) {
		return database.resolveSibling(database.getFileName() + ".password");
	}

	/** The password of the database at {@code database}, made and set when it has none yet. */
	static String ensure(Path database, String url) {
		Path file = file(database);
		Path pending = database.resolveSibling(database.getFileName() + ".password.new");
		try {
			if (Files.exists(file)) {
				return read(file);
			}
			if (!LostDatabase.exists(database) && !Files.exists(pending)) {
				String password = random();
				write(file, password); // HSQLDB creates the new database with it
				return password;
			}
			// A database made before passwords, or a change that a crash cut short: the new password
			// is kept before the database takes it, and named the password only once it has.
			String password = Files.exists(pending) ? read(pending) : random();
			if (!Files.exists(pending)) {
				write(pending, password);
			}
			setOnce(url, database, password);
			Files.move(pending, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return password;
		}
		catch (IOException ex) {
			throw new DataDirWriteException("cannot keep the database's password in " + file + ": "
					+ DataDirWriteException.reason(ex), ex);
		}
	}

	private static void setOnce(String url, Path database, String password) {
		try (var connection = DriverManager.getConnection(url, "SA", password)) {
			return; // it has it already
		}
		catch (SQLException ex) {
			if (!INVALID_AUTHORIZATION.equals(ex.getSQLState())) {
				throw new IllegalStateException("cannot open the database " + database + ": " + ex.getMessage(), ex);
			}
		}
		try (var connection = DriverManager.getConnection(url, "SA", "");
				var statement = connection.createStatement()) {
			statement.execute("ALTER USER SA SET PASSWORD '" + password + "'");
		}
		catch (SQLException ex) {
			throw new DataDirUnusableException("the database " + database + " has a password but its file " + file(database)
					+ " is missing: restore that file with the database (README, Backups)");
		}
	}

	/** The password kept in {@code file}. */
	static String read(Path file) throws IOException {
		return Files.readString(file, StandardCharsets.US_ASCII).strip();
	}

	private static void write(Path file, String password) throws IOException {
		PrivateFiles.createDirectories(file.getParent());
		PrivateFiles.replace(file, (password + "\n").getBytes(StandardCharsets.US_ASCII));
	}

	private static String random() {
		var bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}
}
