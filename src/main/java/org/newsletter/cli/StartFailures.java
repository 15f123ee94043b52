package org.newsletter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.newsletter.config.Failures;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The one line for a program that could not start: a configuration file that is not YAML
 * (named, with line and column, where snakeyaml's own message says {@code 'reader'}), a
 * database whose files cannot be opened, or else the innermost message.
 */
final class StartFailures {

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
	static String oneLine(Throwable ex, Path dataDir, List<Path> configFiles) {
		String yaml = yamlError(ex, configFiles);
		if (yaml != null) {
			return yaml;
		}
		if (isDatabaseOpenFailure(ex)) {
			return "the database in " + dataDir.resolve("db").toAbsolutePath().normalize()
					+ " cannot be opened: its files are damaged (" + Failures.oneLine(ex)
					+ "); restore the db folder from a backup (README, Backups) or move it away to start an empty one";
		}
		return "cannot start: " + Failures.oneLine(ex);
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
