package org.newsletter.config;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Hears the database's files failing to be written, which HSQLDB does not report to the
 * statement that needed them. HSQLDB buffers a commit's lines for its {@code .log} file and
 * flushes and syncs them once the commit is decided; an {@code IOException} there (disk full,
 * file size limit, read-only file system) is only logged, and the commit is reported done
 * ({@code ScriptWriterBase.forceSync}; {@code TransactionManagerCommon}: "data commit logging
 * failed"). With its default {@code hsqldb.extlog=0} it is not even logged: on a full disk
 * {@code subscribers remove} said "unsubscribed", exit 0, and the change was gone at the next
 * start. The data source turns the engine's event log on ({@code hsqldb.extlog=2}, in
 * {@code application.yml}); this appender, on the engine's loggers, keeps the first such
 * failure, and {@link DurableWrites} fails every write that follows it, the one whose commit
 * could not be written first.
 */
public final class StorageFailures extends AppenderBase<ILoggingEvent> {

	/** HSQLDB names its engine loggers {@code hsqldb.db.<database>...}. */
	static final String ENGINE_LOGGER = "hsqldb.db";

	/**
	 * The first failure heard in this JVM, for {@link #heard()}: static because HSQLDB calls a
	 * Java routine by its class and static method name, with no instance to ask.
	 */
	private static volatile String heardInThisJvm;

	private static final String METHOD_CLASS_NAMES = "hsqldb.method_class_names";

	private final Path dataDir;

	private volatile DataDirWriteException failure;

	StorageFailures(Path dataDir) {
		this.dataDir = dataDir.toAbsolutePath().normalize();
		setName("storage-failures");
	}

	/** Listens to the engine's loggers of the running logback context. */
	static StorageFailures listening(Path dataDir) {
		var failures = new StorageFailures(dataDir);
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			failures.setContext(context);
			failures.start();
			context.getLogger(ENGINE_LOGGER).addAppender(failures);
		}
		return failures;
	}

	/** The failures heard for {@code dataSource}: empty unless it is the checked HSQLDB file database. */
	public static Optional<StorageFailures> of(DataSource dataSource) {
		return dataSource instanceof DurableWrites.Checked checked ? Optional.ofNullable(checked.failures()) : Optional.empty();
	}

	/** @throws DataDirWriteException when a file of the database could not be written since start */
	public void check() {
		DataDirWriteException seen = failure;
		if (seen != null) {
			throw new DataDirWriteException(seen.getMessage(), seen.getCause());
		}
	}

	/**
	 * What a database error means to the operator: an error after the files could not be
	 * written (HSQLDB's own, "Data File size limit is reached", does not say why) is that
	 * failure; any other error is itself.
	 */
	Throwable explain(Throwable error) {
		DataDirWriteException seen = failure;
		if (seen != null && error instanceof SQLException) {
			return new DataDirWriteException(seen.getMessage(), error);
		}
		return error;
	}

	/**
	 * Lets HSQLDB call {@link #heard()} from SQL (it calls no Java method unless its class is
	 * allowed): needed before Flyway's V10 creates {@code storage_failure()} and wherever it runs.
	 */
	public static void allowInHsqldb() {
		String allowed = System.getProperty(METHOD_CLASS_NAMES);
		String ours = StorageFailures.class.getName() + ".*";
		if (allowed == null || !allowed.contains(ours)) {
			System.setProperty(METHOD_CLASS_NAMES, allowed == null || allowed.isBlank() ? ours : allowed + ";" + ours);
		}
	}

	/**
	 * The database's {@code storage_failure()} (Flyway V10): the first failure to write the
	 * database's files heard in the JVM that holds them, or {@code null}. A command beside the
	 * service asks it after each write, since HSQLDB reports to it the commit done all the same.
	 */
	public static String heard() {
		return heardInThisJvm;
	}

	/** Whether a write of the database's files has failed since start. */
	public boolean failed() {
		return failure != null;
	}

	@Override
	protected void append(ILoggingEvent event) {
		if (failure != null || !event.getLevel().isGreaterOrEqual(Level.WARN)) {
			return;
		}
		IOException cause = ioCause(event.getThrowableProxy());
		if (cause != null) {
			failure = new DataDirWriteException(DataDirWriteException.describe(dataDir, cause), cause);
			heardInThisJvm = failure.getMessage();
		}
	}

	/** The innermost {@code IOException} of a logged throwable; {@code null} when there is none. */
	private static IOException ioCause(IThrowableProxy proxy) {
		IOException found = null;
		for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
			if (p instanceof ThrowableProxy real && real.getThrowable() instanceof IOException io) {
				found = io;
			}
		}
		return found;
	}

	@Override
	public void stop() {
		super.stop();
		if (getContext() instanceof LoggerContext context) {
			context.getLogger(ENGINE_LOGGER).detachAppender(this);
		}
	}
}
