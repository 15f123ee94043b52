package org.newsletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for a test: {@code initdb} into a temporary folder,
 * {@code pg_ctl start} on a free loopback port with password authentication, stopped and
 * deleted on {@link #close()}. The server binaries come from Debian's {@code postgresql}
 * package ({@code /usr/lib/postgresql/<version>/bin}) or the {@code PATH}; without them the
 * test is skipped, or fails under {@code NEWSLETTER_TESTS_REQUIRE_ALL=1} ({@link MachineTools});
 * {@code NEWSLETTER_SKIP_POSTGRES=1} skips it on purpose. PostgreSQL refuses
 * to run as root, so as root it runs as the {@code postgres} user the package creates.
 */
final class PostgresServer implements AutoCloseable {

	static final String USER = "newsletter";

	static final String PASSWORD = "not-the-default-" + ProcessHandle.current().pid();

	private static final String SKIP = "NEWSLETTER_SKIP_POSTGRES";

	private final Path bin;

	private final Path dir;

	private final int port;

	private final boolean asPostgresUser;

	private final Thread stopAtExit = new Thread(this::stop);

	private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
		this.bin = bin;
		this.dir = dir;
		this.port = port;
		this.asPostgresUser = asPostgresUser;
	}

	/**
	 * What this machine lacks to run a cluster, and how to install it; empty when it has it. Skips
	 * the calling test when {@value #SKIP}=1.
	 */
	static Optional<String> missing() throws IOException {
		Assumptions.assumeFalse("1".equals(System.getenv(SKIP)), SKIP + "=1");
		return binaries().isPresent() ? Optional.empty() : Optional.of("PostgreSQL's initdb and pg_ctl are not under "
				+ "/usr/lib/postgresql/*/bin nor on the PATH: apt-get install postgresql");
	}

	/** Creates and starts a new cluster; see {@link #missing()} first. */
	static PostgresServer start() throws IOException, InterruptedException {
		Optional<Path> bin = binaries();
		if (bin.isEmpty()) {
			throw new IllegalStateException(missing().orElseThrow());
		}
		boolean root = new UnixSystem().getUid() == 0;
		Path dir = Files.createTempDirectory("newsletter-pg");
		if (root) {
			Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
		}
		int port;
		try (var socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		var server = new PostgresServer(bin.get(), dir, port, root);
		server.initAndStart();
		return server;
	}

	/** The JDBC URL of {@code database} on this server. */
	String url(String database) {
		return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
	}

	/** Creates an empty database owned by {@link #USER}; returns its JDBC URL. */
	String createDatabase(String name) throws SQLException {
		try (var connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
				var statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return url(name);
	}

	/** The single number that {@code query} returns from the database at {@code url}. */
	long count(String url, String query) throws SQLException {
		try (var connection = DriverManager.getConnection(url, USER, PASSWORD);
				var result = connection.createStatement().executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

	private void initAndStart() throws IOException, InterruptedException {
		Path passwordFile = dir.resolve("password");
		Files.writeString(passwordFile, PASSWORD + "\n");
		Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
		run(bin.resolve("initdb").toString(), "--pgdata=" + dir.resolve("data"), "--username=" + USER,
				"--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8",
				"--locale=C", "--no-sync");
		Runtime.getRuntime().addShutdownHook(stopAtExit);
		// fsync off: a throwaway cluster that outlives every process the tests kill.
		run(bin.resolve("pg_ctl").toString(), "--pgdata=" + dir.resolve("data"), "--log=" + dir.resolve("server.log"),
				"--wait", "--timeout=30", "--options=-p " + port + " -k " + dir
						+ " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
				"start");
	}

	@Override
	public void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(stopAtExit);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down and runs the hook itself
		}
	}

	private void stop() {
		try {
			if (Files.exists(dir.resolve("data/postmaster.pid"))) {
				run(bin.resolve("pg_ctl").toString(), "--pgdata=" + dir.resolve("data"), "--mode=immediate", "--wait",
						"stop");
			}
			try (Stream<Path> paths = Files.walk(dir)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Runs a server command, as the postgres user when this is root; fails with its output. */
	private void run(String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>();
		if (asPostgresUser) {
			line.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		line.addAll(List.of(command));
		Path output = Files.createTempFile("newsletter-pg", ".txt");
		try {
			Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			boolean ended = process.waitFor(60, TimeUnit.SECONDS);
			if (!ended || process.exitValue() != 0) {
				process.destroyForcibly();
				Path log = dir.resolve("server.log");
				throw new IllegalStateException(String.join(" ", line) + (ended ? " failed" : " did not end in 60 s")
						+ ":\n" + Files.readString(output) + (Files.exists(log) ? Files.readString(log) : ""));
			}
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/** The folder of initdb and pg_ctl: the newest Debian version, else the PATH's. */
	private static Optional<Path> binaries() throws IOException {
		Path debian = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(debian)) {
			try (Stream<Path> versions = Files.list(debian)) {
				Optional<Path> newest = versions.map(version -> version.resolve("bin"))
					.filter(PostgresServer::hasServer)
					.max(Comparator.comparing(PostgresServer::majorVersion));
				if (newest.isPresent()) {
					return newest;
				}
			}
		}
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
			.filter(entry -> !entry.isBlank())
			.map(Path::of)
			.filter(PostgresServer::hasServer)
			.findFirst();
	}

	private static boolean hasServer(Path bin) {
		return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
	}

	private static int majorVersion(Path bin) {
		try {
			return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}
}
