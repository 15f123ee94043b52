package org.newsletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small file system that fills up, for commands run as the operator runs them: a shell
 * script in a mount namespace of its own ({@code unshare}, as root or through a user
 * namespace) mounts a tmpfs, copies a data directory onto it, fills it, runs the commands
 * given and frees it again between them. Each command's output and exit code are kept
 * outside the small disk, where the test reads them.
 */
final class SmallDisk {

	/** One command's outcome. */
	record Outcome(int exitCode, String out, String err) {

		@Override
		public String toString() {
			return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
		}
	}

	private final Path work;

	private final String size;

	private final List<String> script = new ArrayList<>();

	private int commands;

	/** @param size the tmpfs's size, e.g. {@code 16m} */
	SmallDisk(Path work, String size) {
		this.work = work;
		this.size = size;
	}

	/** Whether this machine lets a process mount a tmpfs in a namespace of its own. */
	static boolean available() {
		try {
			Path probe = Files.createTempDirectory("small-disk-probe");
			try {
				var process = new ProcessBuilder(unshare("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.toString()))
					.redirectErrorStream(true)
					.start();
				return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
			}
			finally {
				Files.deleteIfExists(probe);
			}
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static List<String> unshare(String... command) {
		List<String> line = new ArrayList<>(List.of("unshare"));
		line.add(isRoot() ? "--mount" : "--map-root-user");
		if (!isRoot()) {
			line.add("--mount");
		}
		line.addAll(List.of(command));
		return line;
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	/** The small disk's mount point, as the commands see it. */
	Path mount() {
		return work.resolve("disk");
	}

	/** Copies {@code dataDir} onto the small disk as {@code <mount>/data}. */
	SmallDisk copyIn(Path dataDir) {
		script.add("cp -a " + quote(dataDir) + "/. " + quote(mount().resolve("data")) + "/");
		return this;
	}

	/** Fills the small disk so that only {@code kilobytes} stay free. */
	SmallDisk fillLeaving(int kilobytes) {
		script.add("avail=$(df -k --output=avail " + quote(mount()) + " | tail -n 1)");
		script.add("head -c $(( (avail - " + kilobytes + ") * 1024 )) /dev/zero > " + quote(mount().resolve("filler"))
				+ " 2>/dev/null || true");
		return this;
	}

	/** Makes room again. */
	SmallDisk free() {
		script.add("rm -f " + quote(mount().resolve("filler")));
		return this;
	}

	/** Makes the small disk read-only. */
	SmallDisk readOnly() {
		script.add("mount -o remount,ro " + quote(mount()));
		return this;
	}

	/** Runs {@code newsletter args}, with the data directory on the small disk, in its own JVM. */
	SmallDisk newsletter(List<String> settings, String... args) {
		script.add(commandLine(++commands, settings, args));
		return this;
	}

	/**
	 * Starts {@code newsletter args} like {@link #newsletter} and goes on once it has printed
	 * {@code text} (within 60 s); {@link #awaitAll} waits for it to end.
	 */
	SmallDisk newsletterUntilItPrints(String text, List<String> settings, String... args) {
		int n = ++commands;
		script.add(commandLine(n, settings, args) + " &");
		script.add("tries=0; until grep -q " + quote(text) + " " + quote(work.resolve(n + ".out"))
				+ " 2>/dev/null || [ $tries -ge 600 ]; do sleep 0.1; tries=$((tries + 1)); done");
		return this;
	}

	/** Stops the {@code serve} started on the small disk (SIGTERM to the pid it announced). */
	SmallDisk stopService() {
		script.add("kill -TERM $(sed -n 's/^pid=//p' " + quote(mount().resolve("data/service.properties")) + ")");
		return this;
	}

	/** Waits a while. */
	SmallDisk sleep(double seconds) {
		script.add("sleep " + seconds);
		return this;
	}

	/** Waits for the commands started in the background. */
	SmallDisk awaitAll() {
		script.add("wait");
		return this;
	}

	private String commandLine(int n, List<String> settings, String... args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), org.newsletter.cli.Launcher.class.getName()));
		command.addAll(List.of(args));
		command.addAll(settings);
		command.add("--newsletter.data-dir=" + mount().resolve("data"));
		return "{ " + String.join(" ", command.stream().map(SmallDisk::quote).toList()) + " >" + quote(work.resolve(n + ".out"))
				+ " 2>" + quote(work.resolve(n + ".err")) + "; echo $? >" + quote(work.resolve(n + ".code")) + "; }";
	}

	/** Runs the script and returns each command's outcome, in order. */
	List<Outcome> run() throws IOException, InterruptedException {
		Files.createDirectories(mount());
		List<String> lines = new ArrayList<>(List.of("set -u",
				"mount -t tmpfs -o size=" + size + " tmpfs " + quote(mount()) + " || { echo 'cannot mount the small disk'; exit 97; }"));
		lines.addAll(script);
		Path file = work.resolve("disk.sh");
		Files.write(file, lines);
		var process = new ProcessBuilder(unshare("sh", file.toString())).redirectErrorStream(true)
			.redirectOutput(work.resolve("disk.log").toFile()).start();
		if (!process.waitFor(180, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the small-disk script did not end within 180 s: " + Files.readString(work.resolve("disk.log")));
		}
		List<Outcome> outcomes = new ArrayList<>();
		for (int n = 1; n <= commands; n++) {
			Path code = work.resolve(n + ".code");
			if (!Files.exists(code)) {
				throw new AssertionError("command " + n + " did not run: " + Files.readString(work.resolve("disk.log")));
			}
			outcomes.add(new Outcome(Integer.parseInt(Files.readString(code).strip()), Files.readString(work.resolve(n + ".out")),
					Files.readString(work.resolve(n + ".err"))));
		}
		return outcomes;
	}

	private static String quote(Object value) {
		return "'" + value.toString().replace("'", "'\\''") + "'";
	}
}
