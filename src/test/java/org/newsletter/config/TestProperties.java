package org.newsletter.config;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@link NewsletterProperties} bound as Spring binds them, defaults included, from a few settings. */
public final class TestProperties {

	private TestProperties() {
	}

	/** @param settings full property names, e.g. {@code newsletter.base-url} */
	public static NewsletterProperties of(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("newsletter",
				Bindable.of(NewsletterProperties.class));
	}
}
