package org.newsletter;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.newsletter.cli.Launcher;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * The newsletter program: a Spring Batch job that turns feeds into a weekly email digest,
 * and the commands around it. {@code main} exits with the command's exit code.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NewsletterApplication {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	public static void main(String[] args) {
		var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
		var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
		System.exit(Launcher.execute(out, err, args));
	}
}
