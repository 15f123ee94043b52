package org.newsletter.feed;

import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.StorageFailures;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The fetch step's real processor for tests that feed it many files, without Spring. */
final class FeedTestSupport {

	private FeedTestSupport() {
	}

	/** Settings as bound from {@code newsletter.*} properties, defaults for the rest. */
	static NewsletterProperties properties(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("newsletter",
				NewsletterProperties.class);
	}

	/**
	 * The fetch step's processor with the real fetcher, parser and repository, the repository on
	 * a fresh in-memory database.
	 */
	static FeedFetchProcessor processor(Map<String, String> settings) {
		return new FeedFetchProcessor(new FeedFetcher(properties(settings)), new FeedParser(properties(Map.of())), repository());
	}

	/** A repository on a fresh in-memory database migrated by the application's own Flyway scripts. */
	static FeedRepository repository() {
		var dataSource = new SimpleDriverDataSource(new org.hsqldb.jdbc.JDBCDriver(),
				"jdbc:hsqldb:mem:feeds-" + UUID.randomUUID(), "SA", "");
		StorageFailures.allowInHsqldb(); // V10's storage_failure() is a Java routine
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/hsqldb").load().migrate();
		return new FeedRepository(JdbcClient.create(dataSource), new JdbcTemplate(dataSource));
	}
}
