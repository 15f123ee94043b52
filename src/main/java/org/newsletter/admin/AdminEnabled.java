package org.newsletter.admin;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The operator page's beans exist only when {@code newsletter.admin.password} is set and not
 * blank (Spring's {@code @ConditionalOnProperty} would take an empty value for set), and only in
 * {@code serve} (each also says {@code @ConditionalOnWebApplication}): the other commands start
 * no web server and work the same with the password in their environment.
 */
class AdminEnabled implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return Binder.get(context.getEnvironment())
			.bind("newsletter.admin.password", String.class)
			.map(password -> !password.isBlank())
			.orElse(false);
	}
}
