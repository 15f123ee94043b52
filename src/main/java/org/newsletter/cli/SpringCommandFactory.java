package org.newsletter.cli;

import picocli.CommandLine;

import org.springframework.context.ApplicationContext;

/** Creates the command objects through Spring, so they get their collaborators by constructor. */
final class SpringCommandFactory implements CommandLine.IFactory {

	private final ApplicationContext context;

	SpringCommandFactory(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public <K> K create(Class<K> type) throws Exception {
		if (type.getPackageName().startsWith("org.newsletter")) {
			return context.getAutowireCapableBeanFactory().createBean(type);
		}
		return CommandLine.defaultFactory().create(type);
	}
}
