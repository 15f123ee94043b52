package org.newsletter.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running {@code serve} says in its data directory ({@code service.properties}, owner
 * only): its process id and the loopback port on which HSQLDB's server mode answers for the
 * database it holds. A command that finds the directory locked by a live service connects
 * through that port instead of failing (DESIGN.md §12).
 *
 * @param pid the service's process id
 * @param port the loopback port of the database server; 0 on PostgreSQL, which every process
 *     reaches directly
 */
public record ServiceAnnouncement(long pid, int port) {

	static final String FILE = "service.properties";

	/** The database's name on the server: {@code jdbc:hsqldb:hsql://127.0.0.1:<port>/newsletter}. */
	static final String DATABASE = "newsletter";

	/** The JDBC URL of the database through the service. */
	public String jdbcUrl() {
		return "jdbc:hsqldb:hsql://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port + "/" + DATABASE;
	}

	/** Says it, replacing an older announcement. */
	void write(Path dataDir) throws IOException {
		var properties = new Properties();
		properties.setProperty("pid", Long.toString(pid));
		properties.setProperty("port", Integer.toString(port));
		var text = new StringWriter();
		properties.store(text, "the running newsletter service; written by serve, read by the commands beside it");
		PrivateFiles.replace(dataDir.resolve(FILE), text.toString().getBytes(StandardCharsets.UTF_8));
	}

	static void withdraw(Path dataDir) {
		try {
			Files.deleteIfExists(dataDir.resolve(FILE));
		}
		catch (IOException ex) {
			// a stale announcement names a dead process: the commands check before they trust it
		}
	}

	/** The service running on {@code dataDir}, if its process is alive and its port answers. */
	static Optional<ServiceAnnouncement> live(Path dataDir) {
		Path file = dataDir.resolve(FILE);
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		var properties = new Properties();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			properties.load(in);
			var announced = new ServiceAnnouncement(Long.parseLong(properties.getProperty("pid")),
					Integer.parseInt(properties.getProperty("port")));
			return announced.alive() ? Optional.of(announced) : Optional.empty();
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	private boolean alive() {
		if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
			return false;
		}
		if (port == 0) {
			return true;
		}
		try (var socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}
}
