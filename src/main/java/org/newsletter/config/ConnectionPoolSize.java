package org.newsletter.config;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Makes the database connection pool hold at least {@code 2 × newsletter.send.connections + 4}
 * connections, for the send step's partitions running at once: each borrows one briefly for a
 * page of its reader (a short statement; its chunks hold no transaction) and for its step's
 * bookkeeping in the job repository, while the delivery recorder's writer, the job's own
 * bookkeeping and the run heartbeat need theirs. Two per partition is headroom, not a count of
 * connections held. A pool set larger by {@code spring.datasource.hikari.maximum-pool-size} is
 * left alone. The setting is read from the environment: a bean post-processor is made before
 * {@code NewsletterProperties} is bound.
 */
@Component
class ConnectionPoolSize implements BeanPostProcessor {

	private final Environment environment;

	ConnectionPoolSize(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool) {
			int connections = environment.getProperty("newsletter.send.connections", Integer.class, 4);
			int needed = 2 * connections + 4;
			if (pool.getMaximumPoolSize() < needed) {
				pool.setMaximumPoolSize(needed);
			}
		}
		return bean;
	}
}
