package org.newsletter.admin;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator page is on exactly when a password is set: from the environment variable
 * {@code NEWSLETTER_ADMIN_PASSWORD} (read as Spring reads the process's environment) or the
 * property; an empty or blank one leaves it off.
 */
class AdminSettingsTests {

	@Test
	void thePasswordComesFromTheEnvironmentVariable() {
		var environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-environment",
				Map.of("NEWSLETTER_ADMIN_PASSWORD", "from-the-environment", "NEWSLETTER_ADMIN_USER", "operator")));

		AdminSettings settings = Binder.get(environment).bindOrCreate("newsletter.admin", Bindable.of(AdminSettings.class));

		assertThat(settings.password()).isEqualTo("from-the-environment");
		assertThat(settings.user()).isEqualTo("operator");
		assertThat(settings.enabled()).isTrue();
		assertThat(enabled(environment)).isTrue();
		assertThat(settings.toString()).doesNotContain("from-the-environment");
	}

	@Test
	void withoutAPasswordOrWithABlankOneThePageIsOff() {
		assertThat(enabled(new MockEnvironment())).isFalse();
		assertThat(enabled(new MockEnvironment().withProperty("newsletter.admin.password", ""))).isFalse();
		assertThat(enabled(new MockEnvironment().withProperty("newsletter.admin.password", "  "))).isFalse();
		assertThat(enabled(new MockEnvironment().withProperty("newsletter.admin.password", "x"))).isTrue();
		AdminSettings defaults = Binder.get(new MockEnvironment()).bindOrCreate("newsletter.admin", Bindable.of(AdminSettings.class));
		assertThat(defaults.user()).isEqualTo("admin");
		assertThat(defaults.enabled()).isFalse();
	}

	private static boolean enabled(org.springframework.core.env.Environment environment) {
		ConditionContext context = new ConditionContext() {

			@Override
			public org.springframework.beans.factory.support.BeanDefinitionRegistry getRegistry() {
				throw new UnsupportedOperationException();
			}

			@Override
			public org.springframework.beans.factory.config.ConfigurableListableBeanFactory getBeanFactory() {
				return null;
			}

			@Override
			public org.springframework.core.env.Environment getEnvironment() {
				return environment;
			}

			@Override
			public org.springframework.core.io.ResourceLoader getResourceLoader() {
				return null;
			}

			@Override
			public ClassLoader getClassLoader() {
				return AdminSettingsTests.class.getClassLoader();
			}
		};
		return new AdminEnabled().matches(context, null);
	}
}
