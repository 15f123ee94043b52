package org.newsletter.job;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Timeout;
import org.newsletter.NewsletterApplication;

import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A test of the weekly-digest job or one of its steps, on the program's own application as the
 * {@code run} command starts it (no web server), with Spring Batch's test support
 * ({@code JobOperatorTestUtils}, {@code JobRepositoryTestUtils}) and the {@link DigestJobTestBed}:
 * a real HSQLDB file database, feeds over HTTP and an SMTP server. Every class so annotated
 * shares one application context (Spring's test context cache), so the context starts once.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBatchTest
@SpringBootTest(classes = NewsletterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = {
				// the operator's settings as shipped, then the test bed's data directory, feeds and SMTP server
				"spring.config.additional-location=optional:classpath:/batch-config/",
				// read while logging starts, before the test bed's data directory is known
				"logging.file.name=target/digest-job-tests/newsletter.log",
				// here, not with the port: Boot's mail auto-configuration is conditional on it
				"spring.mail.host=127.0.0.1",
				"newsletter.send.connections=2",
				"newsletter.send.retry.max-attempts=3",
				"newsletter.send.retry.backoff=10ms",
				"newsletter.send.timeout=10s",
				"newsletter.fetch.timeout=5s" })
@Import(DigestJobTestBed.Config.class)
@Timeout(60)
public @interface DigestJobTest {
}
