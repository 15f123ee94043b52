package org.newsletter.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.hsqldb.server.Server;
import org.hsqldb.server.ServerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * While {@code serve} runs, HSQLDB's own server mode answers on a loopback port for the very
 * database the service has open (HSQLDB shares one open database between its in-process
 * connections and its server), and the port is announced in the data directory
 * ({@link ServiceAnnouncement}): the commands run beside the service connect through it. The
 * database's password guards it from the machine's other users ({@link DatabasePassword}).
 * On PostgreSQL, where every process connects directly, only the service itself is announced.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DatabaseServer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

	private static final String HSQLDB = "jdbc:hsqldb:";

	private final Environment environment;

	private final NewsletterProperties properties;

	private Server server;

	private ServiceAnnouncement announced;

	DatabaseServer(Environment environment, NewsletterProperties properties) {
		this.environment = environment;
		this.properties = properties;
	}

	@Override
	public void start() {
		String url = environment.getProperty("spring.datasource.url");
		int port = LostDatabase.hsqldbFile(url).isPresent() ? serve(url) : 0;
		var announcement = new ServiceAnnouncement(ProcessHandle.current().pid(), port);
		try {
			announcement.write(properties.dataDir());
		}
		catch (IOException ex) {
			stop();
			throw new DataDirWriteException("cannot announce the service in " + properties.dataDir() + ": "
					+ DataDirWriteException.reason(ex), ex);
		}
		announced = announcement;
		log.info("the service is announced in {}{}", properties.dataDir(),
				port == 0 ? "" : "; database server for the commands beside it: " + announcement.jdbcUrl());
	}

	/** Starts HSQLDB's server for the open database at {@code url}; returns its port. */
	private int serve(String url) {
		int port = freeLoopbackPort();
		var hsqldb = new Server();
		hsqldb.setLogWriter(null);
		hsqldb.setErrWriter(null);
		hsqldb.setSilent(true);
		hsqldb.setTrace(false);
		hsqldb.setNoSystemExit(true);
		hsqldb.setRestartOnShutdown(false);
		hsqldb.setAddress(InetAddress.getLoopbackAddress().getHostAddress());
		hsqldb.setPort(port);
		hsqldb.setDatabaseName(0, ServiceAnnouncement.DATABASE);
		// the same path and settings as this process's own connections: HSQLDB serves the open database
		hsqldb.setDatabasePath(0, url.substring(HSQLDB.length()));
		hsqldb.start();
		if (hsqldb.getState() != ServerConstants.SERVER_STATE_ONLINE) {
			Throwable cause = hsqldb.getServerError();
			hsqldb.shutdown();
			throw new IllegalStateException("the database server for the commands beside the service could not start on "
					+ "port " + port + (cause == null ? "" : ": " + cause.getMessage()), cause);
		}
		server = hsqldb;
		return port;
	}

	private static int freeLoopbackPort() {
		try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("no free loopback port for the database server: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void stop() {
		if (announced != null) {
			ServiceAnnouncement.withdraw(properties.dataDir());
			announced = null;
		}
		if (server != null) {
			server.stop();
			server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return announced != null || server != null;
	}

	/** Started before the web pages and the schedule; stopped after them, once the runs have ended. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE / 2;
	}
}
