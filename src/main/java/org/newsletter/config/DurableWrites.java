package org.newsletter.config;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
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

	DurableWrites(Environment environment) {
		this.environment = environment;
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
		if (bean instanceof DataSource dataSource && !(bean instanceof Checked)
				&& isHsqldbFile(environment.getProperty("spring.datasource.url"))) {
			Path dataDir = Path.of(environment.getProperty("newsletter.data-dir", "./data"));
			return new Checked(dataSource, StorageFailures.listening(dataDir));
		}
		return bean;
	}

	private static boolean isHsqldbFile(String url) {
		return LostDatabase.hsqldbFile(url).isPresent();
	}

	/** The data source whose connections check their writes. */
	static final class Checked extends DelegatingDataSource {

		private final StorageFailures failures;

		Checked(DataSource target, StorageFailures failures) {
			super(target);
			this.failures = failures;
		}

		StorageFailures failures() {
			return failures;
		}

		@Override
		public Connection getConnection() throws java.sql.SQLException {
			return checked(Connection.class, super.getConnection(), null);
		}

		@Override
		public Connection getConnection(String username, String password) throws java.sql.SQLException {
			return checked(Connection.class, super.getConnection(username, password), null);
		}

		/** {@code target} behind a proxy of {@code type}; {@code connection} is a statement's own. */
		private <T> T checked(Class<T> type, T target, Connection connection) {
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
					throw failures.explain(ex.getCause());
				}
				// the volatile flag first: the connection is asked its mode only once a write has failed
				if (failures.failed() && (connection == null && method.getName().equals("commit")
						|| connection != null && WRITES.contains(method.getName()) && connection.getAutoCommit())) {
					failures.check();
				}
				if (connection == null && Statement.class.isAssignableFrom(method.getReturnType()) && result != null) {
					return checkedStatement(method.getReturnType(), result, (Connection) proxy);
				}
				return result;
			};
			return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
		}

		@SuppressWarnings("unchecked")
		private <T> T checkedStatement(Class<T> type, Object statement, Connection connection) {
			return checked(type, (T) statement, connection);
		}

	}
}
