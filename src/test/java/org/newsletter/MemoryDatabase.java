package org.newsletter;

import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.newsletter.config.StorageFailures;
import org.newsletter.subscriber.SubscriberRepository;

import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * For test slices, through {@code @Import}: an in-memory HSQLDB of its own, migrated as the
 * program migrates its file database, with the JDBC client, the transaction manager and the
 * subscriber repository on it. Not annotated {@code @Configuration}: in this package the
 * program's own component scan would find it when a test runs the command line in its JVM.
 */
public class MemoryDatabase {

	@Bean
	DataSource dataSource() {
		var dataSource = new SimpleDriverDataSource(new org.hsqldb.jdbc.JDBCDriver(),
				"jdbc:hsqldb:mem:slice-" + UUID.randomUUID(), "SA", "");
		StorageFailures.allowInHsqldb(); // V10's storage_failure() is a Java routine
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/hsqldb").load().migrate();
		return dataSource;
	}

	@Bean
	JdbcClient jdbcClient(DataSource dataSource) {
		return JdbcClient.create(dataSource);
	}

	@Bean
	PlatformTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

	@Bean
	SubscriberRepository subscriberRepository(JdbcClient jdbc, DataSource dataSource) {
		return new SubscriberRepository(jdbc, new JdbcTemplate(dataSource));
	}
}
