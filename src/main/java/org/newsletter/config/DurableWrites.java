package org.newsletter.config;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * Makes a write to the HSQLDB file database report done only when its files took it: after
 * each commit, and after each write statement in auto-commit mode, a failure to write the
 * database's files that {@link StorageFailures} heard fails the call with
 * {@link DataDirWriteException} (HSQLDB itself reports the commit done). A failure stays: once
 * the files could not take a commit, no later write is trusted in this process. PostgreSQL
 * reports its own write failures, so other databases are left as they are.
 */
@Component
class DurableWrites implements BeanPostProcessor {

	private static final Set<String> WRITES = Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeBatch",
			"executeLargeBatch");

	private final Environment environment;

	/** The service's HSQLDB server, as a command beside it connects to it. */
	private static final String SERVICE_SERVER = "jdbc:hsqldb:hsql://";

	DurableWrites(Environment environment) {
		this.environment = environment;
		StorageFailures.allowInHsqldb(); // before the data source, and Flyway, exist
	}

	/** HSQLDB's event log is off unless asked for: without it, nothing is heard. */
	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && isHsqldbFile(pool.getJdbcUrl()) && !pool.getJdbcUrl().contains("hsqldb.extlog")) {
			pool.setJdbcUrl(pool.getJdbcUrl() + ";hsqldb.extlog=2");
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource dataSource) || bean instanceof Checked) {
			return bean;
		}
		String url = environment.getProperty("spring.datasource.url");
		if (isHsqldbFile(url)) {
			Path dataDir = Path.of(environment.getProperty("newsletter.data-dir", "./data"));
			return new Checked(dataSource, StorageFailures.listening(dataDir));
		}
		if (url != null && url.startsWith(SERVICE_SERVER) && environment.getProperty(DataDirLock.SERVICE_DATABASE) != null) {
			return new Checked(dataSource, null); // beside the service: the service heard what its files took
		}
		return bean;
	}

	private static boolean isHsqldbFile(String url) {
		return LostDatabase.hsqldbFile(url).isPresent();
	}

	/**
	 * The data source whose connections check their writes: against the failures heard in this
	 * process, or, beside the service, against those the service heard, asked after each write
	 * through the database's {@code storage_failure()} function (a Java routine of the service's
	 * JVM: {@link StorageFailures#heard()}), one more round trip per commit.
	 */
	static final class Checked extends DelegatingDataSource {

		private final StorageFailures failures;

		/** @param failures those heard in this process; {@code null} beside the service */
		Checked(DataSource target, StorageFailures failures) {
			super(target);
			this.failures = failures;
		}

		StorageFailures failures() {
			return failures;
		}

		@Override
		public Connection getConnection() throws java.sql.SQLException {
			Connection connection = super.getConnection();
			return checked(Connection.class, connection, connection, false);
		}

		@Override
		public Connection getConnection(String username, String password) throws java.sql.SQLException {
			Connection connection = super.getConnection(username, password);
			return checked(Connection.class, connection, connection, false);
		}

		/** {@code target} behind a proxy of {@code type}: the connection, or one of its statements. */
		private <T> T checked(Class<T> type, T target, Connection connection, boolean statement) {
			InvocationHandler handler = (proxy, method, args) -> {
				if (method.getName().equals("equals") && args != null && args.length == 1) {
					return proxy == args[0];
				}
				if (method.getName().equals("hashCode") && (args == null || args.length == 0)) {
					return System.identityHashCode(proxy);
				}
				Object result;
				try {
					result = method.invoke(target, args);
				}
				catch (InvocationTargetException ex) {
					throw explain(ex.getCause(), connection);
				}
				// the volatile flag first: the connection is asked its mode only once a write has failed
				if ((failures == null || failures.failed()) && (!statement && method.getName().equals("commit")
						|| statement && WRITES.contains(method.getName()) && connection.getAutoCommit())) {
					check(connection);
				}
				if (!statement && Statement.class.isAssignableFrom(method.getReturnType()) && result != null) {
					return checkedStatement(method.getReturnType(), result, connection);
				}
				return result;
			};
			return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
		}

		private void check(Connection connection) throws SQLException {
			if (failures != null) {
				failures.check();
				return;
			}
			String heard = heardByTheService(connection);
			if (heard != null) {
				throw new DataDirWriteException(heard, null);
			}
		}

		/** A database error after the files could not be written is that failure (HSQLDB's own message does not say why). */
		private Throwable explain(Throwable error, Connection connection) {
			if (failures != null) {
				return failures.explain(error);
			}
			if (error instanceof SQLException) {
				try {
					String heard = heardByTheService(connection);
					return heard == null ? error : new DataDirWriteException(heard, error);
				}
				catch (SQLException | RuntimeException unanswered) {
					error.addSuppressed(unanswered);
				}
			}
			return error;
		}

		private static String heardByTheService(Connection connection) throws SQLException {
			try (var statement = connection.createStatement(); var heard = statement.executeQuery("VALUES (storage_failure())")) {
				return heard.next() ? heard.getString(1) : null;
			}
		}

		@SuppressWarnings("unchecked")
		private <T> T checkedStatement(Class<T> type, Object statement, Connection connection) {
			return checked(type, (T) statement, connection, true);
		}

	}
}
