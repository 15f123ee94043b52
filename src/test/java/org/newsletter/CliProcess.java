package org.newsletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line as a separate JVM process, as the operator's shell starts it. */
public final class CliProcess {

	private final Process process;

	private final Path out;

	private final Path err;

	private CliProcess(Process process, Path out, Path err) {
		this.process = process;
		this.out = out;
		this.err = err;
	}

	/** Starts {@code java ... cli.Launcher args}, its output going to files in {@code logDir}. */
	public static CliProcess start(Path logDir, String... args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), org.newsletter.cli.Launcher.class.getName()));
		command.addAll(List.of(args));
		try {
			Path out = Files.createTempFile(logDir, "out", ".txt");
			Path err = Files.createTempFile(logDir, "err", ".txt");
			Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
			return new CliProcess(process, out, err);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits for the process to end and returns its exit code. */
	public int waitFor() throws InterruptedException {
		if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the process did not end within 120 s:\n" + out() + err());
		}
		return process.exitValue();
	}

	/** Kills the process as {@code kill -9} does. */
	public void kill() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor();
	}

	/** Stops the process as Ctrl-C or {@code kill} does (SIGTERM) and waits for it to end. */
	public void stop() throws InterruptedException {
		process.destroy();
		if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the process did not stop within 60 s:\n" + out() + err());
		}
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	public String out() {
		return read(out);
	}

	public String err() {
		return read(err);
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
