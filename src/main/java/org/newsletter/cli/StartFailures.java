package org.newsletter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.newsletter.config.BadInputException;
import org.newsletter.config.Failures;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.io.Resource;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The one line and exit code for a program that could not start. The operator's input exits
 * {@link ExitCodes#BAD_INPUT 2}: a configuration file that is not YAML (named, with line and
 * column, where snakeyaml's own message says {@code 'reader'}), a setting that cannot be read or
 * is out of range (named, with its value and where it was set, where Spring Boot's message names
 * neither), or a {@link BadInputException}. A database whose files cannot be opened, or anything
 * else, exits 1 with the innermost message.
 */
final class StartFailures {

	/** What to print after {@code newsletter: } and the exit code. */
	record StartFailure(String line, int exitCode) {
	}

	/** The configuration files read from the working directory (Launcher, Spring Boot's defaults). */
	private static final List<Path> CONFIG_FILES = Stream.of("batch-config", ".", "config")
		.flatMap(dir -> Stream.of("application.yml", "application.yaml").map(name -> Path.of(dir, name).normalize()))
		.toList();

	private StartFailures() {
	}

	/**
	 * @param configFiles configuration files named on the command line
	 *     ({@code spring.config.location}, {@code spring.config.additional-location})
	 */
	static StartFailure of(Throwable ex, Path dataDir, List<Path> configFiles) {
		String yaml = yamlError(ex, configFiles);
		if (yaml != null) {
			return new StartFailure(yaml, ExitCodes.BAD_INPUT);
		}
		String setting = settingError(ex);
		if (setting != null) {
			return new StartFailure(setting, ExitCodes.BAD_INPUT);
		}
		BadInputException badInput = Failures.find(ex, BadInputException.class);
		if (badInput != null) {
			return new StartFailure(Failures.oneLine(badInput), ExitCodes.BAD_INPUT);
		}
		if (isDatabaseOpenFailure(ex)) {
			return new StartFailure("the database in " + dataDir.resolve("db").toAbsolutePath().normalize()
					+ " cannot be opened: its files are damaged (" + Failures.oneLine(ex)
					+ "); restore the db folder from a backup (README, Backups) or move it away to start an empty one",
					ExitCodes.FAILED);
		}
		return new StartFailure("cannot start: " + Failures.oneLine(ex), ExitCodes.FAILED);
	}

	/**
	 * A setting Spring Boot could not bind ({@code --newsletter.send.rate-limit=abc}) or that
	 * failed its check ({@code @Min}, or the check of a settings class's constructor): its name,
	 * value and origin, and why. Spring Boot's own messages name neither the setting ("For input
	 * string: "abc"") nor, for a failed check, anything readable on one line.
	 */
	private static String settingError(Throwable ex) {
		BindException bind = Failures.find(ex, BindException.class);
		if (bind == null) {
			return null;
		}
		BindValidationException validation = Failures.find(bind, BindValidationException.class);
		if (validation != null && validation.getValidationErrors().hasErrors()) {
			ValidationErrors errors = validation.getValidationErrors();
			ObjectError first = errors.getAllErrors().get(0);
			String name = errors.getName().toString();
			String value = "";
			Origin origin = Origin.from(first);
			if (first instanceof FieldError field) {
				name += "." + DataObjectPropertyName.toDashedForm(field.getField());
				value = " = " + shown(name, field.getRejectedValue());
				String bound = name;
				origin = origin != null ? origin : errors.getBoundProperties().stream()
					.filter(property -> property.getName().toString().equals(bound))
					.map(ConfigurationProperty::getOrigin)
					.findFirst()
					.orElse(null);
			}
			int more = errors.getAllErrors().size() - 1;
			return "bad setting " + name + value + where(origin) + ": " + first.getDefaultMessage()
					+ (more > 0 ? " (and " + more + " more)" : "");
		}
		ConfigurationProperty property = bind.getProperty();
		Throwable cause = bind.getCause() != null ? bind.getCause() : bind;
		String reason = Failures.oneLine(cause);
		if (property == null) {
			// the check of a settings class's constructor: its message names the setting
			return "bad setting" + (reason.startsWith(bind.getName() + ".") ? "" : " under " + bind.getName()) + ": " + reason;
		}
		String name = property.getName().toString();
		if (cause instanceof ConversionException) {
			Class<?> type = bind.getTarget().getType().resolve();
			// the converter's message quotes the value
			reason = "not a valid " + (type != null ? type.getSimpleName() : bind.getTarget().getType())
					+ (isSensitive(name) ? "" : " (" + reason + ")");
		}
		return "bad setting " + name + " = " + shown(name, property.getValue()) + where(property.getOrigin()) + ": " + reason;
	}

	/** A setting's value, quoted; a password's, a secret's, a key's or a token's is not shown (the line reaches logs). */
	private static String shown(String name, Object value) {
		return isSensitive(name) ? "(not shown)" : "\"" + value + "\"";
	}

	private static boolean isSensitive(String name) {
		String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
		return Stream.of("password", "secret", "key", "token", "credentials").anyMatch(last::contains);
	}

	/** Where a setting was given: the command line, the environment, or a file's line. */
	static String where(Origin origin) {
		for (Origin o = origin; o != null; o = o.getParent()) {
			Origin own = o instanceof PropertySourceOrigin source && source.getOrigin() != null ? source.getOrigin() : o;
			if (own instanceof TextResourceOrigin text && text.getResource() != null) {
				String line = text.getLocation() == null ? "" : " line " + (text.getLocation().getLine() + 1);
				return " (" + describe(text.getResource()) + line + ")";
			}
			if (o instanceof PropertySourceOrigin source) {
				String sourceName = source.getPropertySource().getName();
				if (sourceName.equals("commandLineArgs")) {
					return " (on the command line)";
				}
				if (sourceName.equals("systemEnvironment")) {
					return " (environment variable " + source.getPropertyName() + ")";
				}
			}
		}
		return origin == null ? "" : " (" + origin + ")";
	}

	private static String describe(Resource resource) {
		if (resource.isFile()) {
			try {
				return resource.getFile().toString();
			}
			catch (IOException ex) {
				// described below
			}
		}
		return resource.getDescription();
	}

	private static String yamlError(Throwable ex, List<Path> configFiles) {
		MarkedYAMLException yaml = Failures.find(ex, MarkedYAMLException.class);
		if (yaml == null) {
			return null;
		}
		// snakeyaml names the stream 'reader' and Spring Boot does not wrap it: find the file by parsing each one.
		String file = null;
		for (Path candidate : Stream.concat(configFiles.stream(), CONFIG_FILES.stream()).toList()) {
			MarkedYAMLException own = parseError(candidate);
			if (own != null) {
				file = candidate.toString();
				yaml = own;
				break;
			}
		}
		Mark mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
		String where = mark == null ? "" : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
		String problem = yaml.getProblem() != null ? yaml.getProblem() : String.valueOf(yaml.getContext());
		return (file != null ? file : "a configuration file") + where + ": not valid YAML: " + problem.strip();
	}

	/** The files named by {@code --spring.config.location=} and {@code --spring.config.additional-location=}. */
	static List<Path> configFiles(List<String> springArgs) {
		return springArgs.stream()
			.filter(arg -> arg.startsWith("--spring.config.location=") || arg.startsWith("--spring.config.additional-location="))
			.flatMap(arg -> Stream.of(arg.substring(arg.indexOf('=') + 1).split(",")))
			.map(location -> location.strip().replaceFirst("^optional:", "").replaceFirst("^file:", ""))
			.filter(location -> !location.startsWith("classpath:") && (location.endsWith(".yml") || location.endsWith(".yaml")))
			.map(Path::of)
			.toList();
	}

	private static MarkedYAMLException parseError(Path file) {
		if (!Files.isRegularFile(file)) {
			return null;
		}
		try (var reader = Files.newBufferedReader(file)) {
			new Yaml().loadAll(reader).forEach(document -> {
			});
			return null;
		}
		catch (MarkedYAMLException ex) {
			return ex;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** HSQLDB refused to open its files: the first connection failed with the engine's own error. */
	private static boolean isDatabaseOpenFailure(Throwable ex) {
		boolean connecting = false;
		boolean engine = false;
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			String message = String.valueOf(t.getMessage());
			connecting |= message.contains("Could not get Connection") || t.getClass().getName().contains("PoolInitialization")
					|| t instanceof org.springframework.jdbc.CannotGetJdbcConnectionException;
			engine |= t.getClass().getName().startsWith("org.hsqldb.");
		}
		return connecting && engine;
	}
}
