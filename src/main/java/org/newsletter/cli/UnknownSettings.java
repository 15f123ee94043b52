package org.newsletter.cli;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.BoundConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Settings under {@code newsletter.} given on the command line or in a configuration file that
 * no part of the program read: most likely a typo ({@code newsletter.send.ratelimit}), which
 * Spring Boot ignores in silence, so a throttled provider or a missing schedule would be the
 * first sign of it. Environment variables are left out: {@code NEWSLETTER_*} variables may be
 * meant for other tools.
 */
final class UnknownSettings {

	private static final ConfigurationPropertyName NEWSLETTER = ConfigurationPropertyName.of("newsletter");

	private UnknownSettings() {
	}

	/** The unknown settings, each with where it was given, in the order of their sources. */
	static List<String> of(ConfigurableApplicationContext context) {
		BoundConfigurationProperties bound = BoundConfigurationProperties.get(context);
		List<String> unknown = new ArrayList<>();
		if (bound == null) {
			return unknown;
		}
		for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
			boolean given = source.getName().equals("commandLineArgs") || source instanceof OriginTrackedMapPropertySource;
			if (!given || !(source instanceof EnumerablePropertySource<?> names)) {
				continue;
			}
			for (String key : names.getPropertyNames()) {
				ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
				if (NEWSLETTER.isAncestorOf(name) && bound.get(name) == null
						&& bound.getAll().keySet().stream().noneMatch(b -> b.isAncestorOf(name))) {
					unknown.add(key + StartFailures.where(PropertySourceOrigin.get(source, key)));
				}
			}
		}
		return unknown;
	}
}
