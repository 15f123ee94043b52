package org.newsletter.config;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Sizes the database connection pool for the send step: each of its
 * {@code newsletter.send.connections} partitions holds a cursor and a chunk transaction, and
 * the delivery recorder and the job's own bookkeeping need one each. A pool set larger by
 * {@code spring.datasource.hikari.maximum-pool-size} is left alone.
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
