package org.newsletter.cli;

import java.lang.reflect.Constructor;

import picocli.CommandLine;

import org.springframework.beans.BeanUtils;

/**
 * Creates the command objects the command line is parsed into before Spring starts, so help,
 * the version and usage errors are answered without the database or the data directory. Their
 * collaborators do not exist yet: each constructor gets null (or zero) for every argument. Only
 * a command that takes no collaborators (one that lists its sub-commands) runs from these
 * objects; the others are created again by {@link SpringCommandFactory} once Spring has started.
 */
final class ParsingCommandFactory implements CommandLine.IFactory {

	@Override
	public <K> K create(Class<K> type) throws Exception {
		if (!type.getPackageName().startsWith("org.newsletter")) {
			return CommandLine.defaultFactory().create(type);
		}
		Constructor<?>[] constructors = type.getDeclaredConstructors();
		if (constructors.length != 1) {
			throw new IllegalStateException(type.getName() + " needs exactly one constructor, for Spring to call");
		}
		// BeanUtils makes a package-private constructor accessible and turns null into zero for a primitive.
		return type.cast(BeanUtils.instantiateClass(constructors[0], new Object[constructors[0].getParameterCount()]));
	}
}
