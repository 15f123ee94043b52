package org.newsletter;

import java.time.Clock;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * The newsletter program's Spring application: a Spring Batch job that turns feeds into a
 * weekly email digest, and the commands around it. The command line starts it
 * ({@code cli.Launcher}, the jar's main class), after parsing.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NewsletterApplication {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}
}
