package org.newsletter;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The data directory when things go wrong: a full disk, a read-only one, a database deleted
 * or damaged, a backup restored, a directory held by another process, configuration that
 * cannot be used. Each is one line on the terminal, the exit code of DESIGN.md §6, and
 * nothing reported done that was not saved. The CLI as the operator runs it, on the real
 * HSQLDB files.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataDirEndToEndTests {

	@TempDir
	Path work;

	Path dataDir;

	Cli cli;

	@BeforeEach
	void importThree() throws IOException {
		dataDir = work.resolve("data");
		cli = new Cli(dataDir);
		Path csv = work.resolve("three.csv");
		Files.writeString(csv, "email,name\nada@example.org,Ada\nbob@example.org,Bob\ncy@example.org,Cy\n");
		var imported = cli.run("subscribers", "import", csv.toString());
		assertThat(imported.exitCode()).as(imported.toString()).isZero();
	}

	@AfterEach
	void leaveItWritable() throws IOException {
		if (Files.exists(dataDir)) {
			Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
		}
	}

	@Test
	void onAFullDiskASubscriberChangeFailsInOneLineAndIsMadeOnceThereIsRoom() throws Exception {
		assumeTrue(SmallDisk.available(), "this machine does not let a process mount a tmpfs in a namespace of its own");
		var disk = new SmallDisk(work.resolve("disk-work"), "8m");
		List<String> settings = List.of("--newsletter.templates-dir=templates");
		disk.copyIn(dataDir)
			.fillLeaving(0)
			.newsletter(settings, "subscribers", "remove", "ada@example.org")
			.newsletter(settings, "subscribers", "add", "dee@example.org", "Dee")
			.free()
			.newsletter(settings, "subscribers", "list")
			.newsletter(settings, "subscribers", "remove", "ada@example.org")
			.newsletter(settings, "subscribers", "list");

		var outcomes = disk.run();

		for (var full : outcomes.subList(0, 2)) {
			assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
			assertThat(full.out()).as(full.toString()).doesNotContain("unsubscribed").doesNotContain("added");
			assertThat(full.err().lines()).as(full.toString()).containsExactly("newsletter: cannot write to the data directory "
					+ disk.mount().resolve("data") + ": no space left on the device; the last change was not saved "
					+ "(free space or fix the directory, then run the command again)");
		}
		assertThat(outcomes.get(2).out()).as("nothing reported done was made")
			.containsPattern("active +ada@example.org")
			.doesNotContain("dee@example.org");
		assertThat(outcomes.get(3).exitCode()).as(outcomes.get(3).toString()).isZero();
		assertThat(outcomes.get(4).out()).containsPattern("unsubscribed +ada@example.org");
	}

	@Test
	void besideTheServiceAFullDiskFailsTheCommandInOneLine() throws Exception {
		assumeTrue(SmallDisk.available(), "this machine does not let a process mount a tmpfs in a namespace of its own");
		var csv = new StringBuilder("email,name\n");
		for (int i = 0; i < 2_000; i++) {
			csv.append("reader").append(i).append("@example.org,Reader number ").append(i).append('\n');
		}
		Files.writeString(dataDir.resolve("many.csv"), csv);
		var disk = new SmallDisk(work.resolve("disk-work"), "16m");
		List<String> settings = List.of("--newsletter.templates-dir=templates");
		disk.copyIn(dataDir)
			.newsletterUntilItPrints("Every other command works beside it", settings, "serve", "--port=0")
			.fillLeaving(0)
			.newsletter(settings, "subscribers", "import", disk.mount().resolve("data/many.csv").toString())
			.free()
			.stopService()
			.awaitAll()
			.newsletter(settings, "subscribers", "list");

		var outcomes = disk.run();

		var imported = outcomes.get(1);
		assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(1);
		assertThat(imported.err().lines()).as(imported.toString()).containsExactly("newsletter: cannot write to the data directory "
				+ disk.mount().resolve("data") + ": no space left on the device; the last change was not saved "
				+ "(free space or fix the directory, then run the command again)");
		var list = outcomes.get(2);
		assertThat(list.exitCode()).as(list.toString()).isZero();
		assertThat(list.out()).containsPattern("active +ada@example.org");
	}

	@Test
	void aReadOnlyDataDirectoryFailsInOneLine() throws Exception {
		assumeTrue(SmallDisk.available(), "this machine does not let a process mount a tmpfs in a namespace of its own");
		var disk = new SmallDisk(work.resolve("disk-work"), "8m");
		disk.copyIn(dataDir).readOnly().newsletter(List.of("--newsletter.templates-dir=templates"), "subscribers", "add", "dee@example.org");

		var readOnly = disk.run().get(0);

		assertThat(readOnly.exitCode()).as(readOnly.toString()).isEqualTo(1);
		assertThat(readOnly.err().lines()).as(readOnly.toString()).hasSize(1);
		assertThat(readOnly.err()).contains(disk.mount().resolve("data").toString()).contains("read-only");
	}

	@Test
	void aUsedDataDirectoryWhoseDatabaseIsGoneRefusesToStartEmpty() throws IOException {
		deleteTree(dataDir.resolve("db"));

		var refused = cli.run("subscribers", "list");

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
		assertThat(refused.err().lines()).hasSize(1);
		assertThat(refused.err()).contains("has been used (unsubscribe.secret)").contains("restore it from a backup");
		assertThat(dataDir.resolve("db/newsletter.script")).as("no empty database made in its place").doesNotExist();
	}

	@Test
	void aDamagedDatabaseIsNamedAsDamaged() throws IOException {
		Path script = dataDir.resolve("db/newsletter.script");
		try (var file = new RandomAccessFile(script.toFile(), "rw")) {
			file.setLength(file.length() / 2);
		}

		var damaged = cli.run("subscribers", "list");

		assertThat(damaged.exitCode()).as(damaged.toString()).isEqualTo(1);
		assertThat(damaged.err().lines()).hasSize(1);
		assertThat(damaged.err()).contains("the database in " + dataDir.resolve("db").toAbsolutePath().normalize())
			.contains("damaged").contains("restore");
	}

	@Test
	void aBackupFolderThatCannotBeMadeIsOneLineNamingItAndWhy() throws IOException {
		Path file = Files.writeString(work.resolve("notes.txt"), "not a folder");

		var refused = cli.run("backup", file.resolve("backups").toString());

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
		assertThat(refused.err().lines().toList()).as(refused.toString()).singleElement().asString()
			.startsWith("newsletter: cannot write the backup into " + file.resolve("backups") + ": ")
			.doesNotContain("details in the log");
		assertThat(file).hasContent("not a folder");
	}

	@Test
	void anExportIntoAFolderWhereNoFileCanBeMadeIsOneLineNamingIt() {
		// the tests may run as root, whom permissions do not stop; /proc/sys refuses new files to anyone
		Path folder = Path.of("/proc/sys");
		Assumptions.assumeTrue(Files.isDirectory(folder), "a Linux /proc");

		var refused = cli.run("subscribers", "export", folder.resolve("list.csv").toString());

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
		assertThat(refused.err().lines().toList()).as(refused.toString()).singleElement().asString()
			.startsWith("newsletter: cannot write " + folder.resolve("list.csv") + ": ")
			.endsWith(" in " + folder);
	}

	@Test
	void aBackupTakenWhileInUseRestoresTheListAndTheUnsubscribeSecret() throws Exception {
		Path backups = work.resolve("backups");

		var backup = cli.run("backup", backups.toString());

		assertThat(backup.exitCode()).as(backup.toString()).isZero();
		Path tar;
		try (Stream<Path> files = Files.list(backups)) {
			tar = files.filter(f -> f.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
		}
		Path secret = backups.resolve(tar.getFileName().toString().replace(".tar.gz", ".unsubscribe.secret"));
		assertThat(backup.out()).contains(tar.toString()).contains(secret.toString());
		assertThat(Files.getPosixFilePermissions(tar)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(secret).hasSameBinaryContentAs(dataDir.resolve("unsubscribe.secret"));

		Path password = backups.resolve(tar.getFileName().toString().replace(".tar.gz", ".password"));
		assertThat(password).hasSameBinaryContentAs(dataDir.resolve("db/newsletter.password"));
		assertThat(Files.getPosixFilePermissions(password)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		deleteTree(dataDir.resolve("db"));
		Files.delete(dataDir.resolve("unsubscribe.secret"));
		Files.createDirectories(dataDir.resolve("db"));
		var untar = new ProcessBuilder("tar", "-xzf", tar.toString(), "-C", dataDir.resolve("db").toString()).inheritIO().start();
		assertThat(untar.waitFor()).isZero();
		Files.copy(password, dataDir.resolve("db/newsletter.password"));
		Files.copy(secret, dataDir.resolve("unsubscribe.secret"));

		var list = cli.run("subscribers", "list");
		assertThat(list.exitCode()).as(list.toString()).isZero();
		assertThat(list.out()).contains("ada@example.org", "bob@example.org", "cy@example.org");
	}

	@Test
	void aDataDirectoryHeldByAnotherProcessIsOneLine() throws Exception {
		try (var channel = FileChannel.open(dataDir.resolve("newsletter.lock"), StandardOpenOption.WRITE);
				var lock = channel.lock()) {
			var second = CliProcess.start(work, "status", "--newsletter.data-dir=" + dataDir);

			assertThat(second.waitFor()).isEqualTo(1);
			assertThat(second.err().lines()).as(second.err()).hasSize(1);
			assertThat(second.err()).contains("is using the data directory");
			assertThat(second.out()).isEmpty();
		}
	}

	@Test
	void aConfigurationFileThatIsNotYamlIsNamedWithLineAndColumn() throws IOException {
		Path yaml = work.resolve("broken.yml");
		Files.writeString(yaml, "newsletter:\n  title: Weekly\n  from: [unclosed\n  base-url: https://x.example\n");

		var broken = cli.with("spring.config.additional-location", "optional:file:" + yaml).run("status");

		assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(2);
		assertThat(broken.err().lines()).containsExactly(
				"newsletter: " + yaml + " line 4, column 11: not valid YAML: expected ',' or ']', but got :");
	}

	@Test
	void aBadSettingIsNamedWithItsValueAndWhereItWasSetAndIsBadUsage() throws IOException {
		var notANumber = cli.with("newsletter.send.rate-limit", "fast").run("status");
		assertThat(notANumber.exitCode()).as(notANumber.toString()).isEqualTo(2);
		assertThat(notANumber.err().lines()).containsExactly("newsletter: bad setting newsletter.send.rate-limit = \"fast\""
				+ " (on the command line): not a valid double (For input string: \"fast\")");

		Path yaml = work.resolve("settings.yml");
		Files.writeString(yaml, "newsletter:\n  title: Weekly\n  send:\n    chunk-size: 0\n");
		var outOfRange = new Cli(dataDir).with("spring.config.additional-location", "optional:file:" + yaml).run("status");
		assertThat(outOfRange.exitCode()).as(outOfRange.toString()).isEqualTo(2);
		assertThat(outOfRange.err().lines()).containsExactly("newsletter: bad setting newsletter.send.chunk-size = \"0\" ("
				+ yaml + " line 4): must be greater than or equal to 1");

		var sender = new Cli(dataDir).with("newsletter.from", "Weekly <news at example.org>").run("status");
		assertThat(sender.exitCode()).as(sender.toString()).isEqualTo(2);
		assertThat(sender.err().lines()).singleElement().asString()
			.startsWith("newsletter: bad setting: newsletter.from must be an email address")
			.contains("'Weekly <news at example.org>' is not");

		assertThat(new Cli(dataDir).with("newsletter.from", "Weekly <news@example.org>").run("status").exitCode()).isZero();
	}

	@Test
	void aSettingNothingReadsIsWarnedAboutWithWhereItWasGiven() throws IOException {
		Path yaml = work.resolve("settings.yml");
		Files.writeString(yaml, "newsletter:\n  title: Weekly\n  send:\n    rate-limt: 5\n");

		var typos = new Cli(dataDir).with("spring.config.additional-location", "optional:file:" + yaml)
			.with("newsletter.shedule", "0 0 8 * * MON")
			.run("status");

		assertThat(typos.exitCode()).as(typos.toString()).isZero();
		assertThat(typos.err().lines()).as(typos.toString()).containsExactlyInAnyOrder(
				"newsletter: warning: unknown setting newsletter.shedule (on the command line) is ignored"
						+ " (batch-config/application.yml lists every setting)",
				"newsletter: warning: unknown setting newsletter.send.rate-limt (" + yaml + " line 4) is ignored"
						+ " (batch-config/application.yml lists every setting)");
		var known = new Cli(dataDir).with("newsletter.schedule", "0 0 8 * * MON").with("newsletter.send.rate-limit", "5").run("status");
		assertThat(known.err()).as(known.toString()).isEmpty();
	}

	@Test
	void aBaseUrlThatIsNotAnAbsoluteHttpUrlIsRefusedAtStart() {
		var refused = cli.with("newsletter.base-url", "not a url at all").run("status");

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
		assertThat(refused.err().lines()).hasSize(1);
		assertThat(refused.err()).contains("newsletter.base-url must be the absolute http(s) address").contains("'not a url at all'");
		assertThat(cli.with("newsletter.base-url", "https://news.example.org/weekly").run("status").exitCode()).isZero();
	}

	@Test
	void theWordDemoAfterTheCommandIsAnArgumentNotTheDemo() {
		var added = cli.run("subscribers", "add", "dee@example.org", "demo");

		assertThat(added.exitCode()).as(added.toString()).isZero();
		assertThat(cli.run("subscribers", "list").out()).containsPattern("dee@example.org +demo");
	}

	private static void deleteTree(Path root) throws IOException {
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}
}
