package org.newsletter.web;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;


import org.flywaydb.core.Flyway;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.newsletter.MemoryDatabase;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.TestProperties;
import org.newsletter.delivery.DkimSigner;
import org.newsletter.delivery.MessageSenders;
import org.newsletter.signup.ConfirmProperties;
import org.newsletter.signup.SignUpProperties;
import org.newsletter.signup.SignUps;
import org.newsletter.subscriber.ForgottenAddresses;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Repository;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.util.FileSystemUtils;

/**
 * What the web package's {@code @WebMvcTest}s run on besides its own controllers and filter,
 * all real: a temporary data directory whose archive folder holds a few issues (and, beside
 * the folder, a secret no request may read), the settings bound as Spring binds them, the real
 * {@link UnsubscribeLinks}, and the real {@link SubscriberRepository} on an in-memory HSQLDB
 * migrated by the application's own Flyway scripts; for the sign-up pages, the signup package's
 * own beans on the same database, mailing to the outbox folder (no SMTP host here). The same for
 * every test class, so Spring starts the slice once; no test changes the folder, and each test
 * that changes the list uses subscribers of its own.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({ MemoryDatabase.class, UnsubscribeLinks.class, ForgottenAddresses.class, MessageSenders.class, DkimSigner.class,
		ClientRateLimit.class })
@ComponentScan(basePackageClasses = SignUps.class, useDefaultFilters = false,
		includeFilters = @ComponentScan.Filter({ Component.class, Repository.class }),
		excludeFilters = @ComponentScan.Filter(Configuration.class))
class WebSlice {

	/** The newsletter's title, which the pages show: escaping is proved on it. */
	static final String TITLE = "Tom & Jerry's <Weekly>";

	/** The content of {@code secret.txt} in the data directory, beside the archive folder. */
	static final String SECRET = "TOP-SECRET-" + UUID.randomUUID();

	static final String INDEX = "<!DOCTYPE html><title>All issues</title><a href=\"2026-03-21/index.html\">#1</a>";

	static final String ISSUE = "<!DOCTYPE html><title>Issue #1</title><p>https://newsletter.example/archive/2026-03-21/";

	static final String FEED = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>";

	/** The page an answer carries, parsed. */
	static Document page(MvcTestResult answer) {
		try {
			return Jsoup.parse(answer.getResponse().getContentAsString(StandardCharsets.UTF_8));
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException("UTF-8 is missing from this JVM", ex);
		}
	}

	@Bean
	DataDir dataDir() throws IOException {
		return DataDir.create();
	}

	@Bean
	NewsletterProperties newsletterProperties(DataDir dataDir) {
		return TestProperties.of(Map.of("newsletter.data-dir", dataDir.path().toString(), "newsletter.title", TITLE,
				"newsletter.unsubscribe-secret", "web-tests-secret"));
	}

	@Bean
	ConfirmProperties confirmProperties() {
		return bind("newsletter.confirm", ConfirmProperties.class, Map.of());
	}

	@Bean
	SignUpProperties signUpProperties() {
		// one client may post 3 times a minute here: SignUpPageTests posts from clients of its own
		return bind("newsletter.sign-up", SignUpProperties.class,
				Map.of("newsletter.sign-up.per-client", "3", "newsletter.sign-up.client-window", "1m"));
	}

	private static <T> T bind(String prefix, Class<T> type, Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate(prefix, Bindable.of(type));
	}

	/**
	 * The temporary data directory, deleted when Spring closes the slice. Its archive: an index,
	 * an issue folder, the Atom feed, and what must never be served from it: a hidden file, a file
	 * still being written ({@code .part}) and a link to the secret outside.
	 */
	record DataDir(Path path) implements AutoCloseable {

		static DataDir create() throws IOException {
			Path dir = Files.createTempDirectory("web-tests-");
			Files.writeString(dir.resolve("secret.txt"), SECRET);
			Path archive = Files.createDirectories(dir.resolve("archive"));
			Files.writeString(archive.resolve("index.html"), INDEX);
			Files.writeString(archive.resolve("feed.xml"), FEED);
			Files.writeString(Files.createDirectories(archive.resolve("2026-03-21")).resolve("index.html"), ISSUE);
			Files.writeString(archive.resolve(".hidden.html"), SECRET);
			Files.writeString(archive.resolve("2026-03-28.part"), SECRET);
			Files.createSymbolicLink(archive.resolve("linked.txt"), dir.resolve("secret.txt"));
			Files.createSymbolicLink(archive.resolve("linked-folder"), dir);
			return new DataDir(dir);
		}

		@Override
		public void close() throws IOException {
			FileSystemUtils.deleteRecursively(path);
		}
	}
}
