package org.newsletter.subscriber;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsletter.Cli;
import org.newsletter.CliProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code subscribers import | export | list | add | remove} as an operator runs them, on the
 * real HSQLDB file database, with the fixture files.
 */
class SubscriberCsvTests {

	@TempDir
	Path dataDir;

	Cli cli;

	@BeforeEach
	void setUp() {
		cli = new Cli(dataDir);
	}

	@Test
	void goodFileImportsEveryLine() throws Exception {
		var result = cli.run("subscribers", "import", fixture("good.csv"));

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.out()).contains("5 imported (5 added, 0 updated, 0 unchanged), 0 rejected");
		assertThat(list()).containsExactly("active ada@example.org Ada Lovelace",
				"active grace@example.org Hopper, Grace", "active Linus@example.org Linus",
				"active zoe@example.org Zoë Ångström", "active bob@bücher.example Bob");
	}

	@Test
	void badFileKeepsTheGoodLinesAndNamesEachRejectedOne() throws Exception {
		var result = cli.run("subscribers", "import", fixture("bad.csv"));

		assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
		assertThat(result.out()).contains("4 imported (4 added, 0 updated, 0 unchanged), 8 rejected");
		assertThat(result.err().lines().map(line -> line.substring(line.indexOf(": ") + 2)))
			.containsExactly("line 3: invalid address (not-an-email)", "line 4: duplicate of line 2 (alice@example.org)",
					"line 5: duplicate of line 2 (ALICE@example.org)",
					"line 6: line break or control character in the name field (bob@example.org)", "line 8: no address",
					"line 11: invalid address (eve@example..org)",
					"line 13: unknown status 'sometimes' (active or unsubscribed) (mallory@example.org)",
					"line 14: unterminated quote");
		assertThat(list()).containsExactly("active alice@example.org Alice",
				"active carol@example.org =HYPERLINK(\"https://evil.example\",\"click\")",
				"unsubscribed dave@example.org Dave", "active frank@example.org Frank \"The Tank\"");
		String export = cli.run("subscribers", "export", "-").out();
		assertThat(export).contains("carol@example.org,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\"")
			.doesNotContain(",=")
			.doesNotContain(",\"=");
	}

	@Test
	void exportImportExportIsByteForByteStable() throws Exception {
		Path csv = write("list.csv", """
				Email,Name,Status,Company,Plan
				ada@example.org,Ada Lovelace,,Analytical Engines,"=1+2"
				"grace@example.org","Hopper, Grace",active,Navy,-5
				linus@example.org,'@linus,unsubscribed,,+pro
				zoe@example.org,"Zoë ""Z"" Ångström",,'=already quoted,
				""");
		assertThat(cli.run("subscribers", "import", csv.toString()).exitCode()).isZero();
		Path first = dataDir.resolve("first.csv");
		Path second = dataDir.resolve("second.csv");
		assertThat(cli.run("subscribers", "export", first.toString()).exitCode()).isZero();

		var reimport = cli.run("subscribers", "import", first.toString());
		assertThat(cli.run("subscribers", "export", second.toString()).exitCode()).isZero();

		assertThat(reimport.out()).contains("4 imported (0 added, 0 updated, 4 unchanged), 0 rejected");
		assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
		List<String> lines = Files.readAllLines(first);
		assertThat(lines.get(0)).isEqualTo("email,name,status,created,updated,unsubscribed_at,company,plan");
		assertThat(lines.get(1)).startsWith("ada@example.org,Ada Lovelace,active,").endsWith(",,Analytical Engines,'=1+2");
		assertThat(lines.get(2)).endsWith(",,Navy,'-5");
		assertThat(lines.get(3)).startsWith("linus@example.org,'@linus,unsubscribed,").endsWith(",,'+pro");
		assertThat(lines.get(4)).contains(",,'=already quoted,");
	}

	@Test
	void replaceUnsubscribesWhoeverTheFileDoesNotNameAndKeepsTheirHistory() throws Exception {
		cli.run("subscribers", "import", fixture("good.csv"));
		Path smaller = write("smaller.csv", """
				email,name
				ada@example.org,Ada Lovelace
				GRACE@example.org,Grace Hopper
				linus@example.org,Linus,sometimes
				new@example.org,New Reader
				""");

		var dryRun = cli.run("subscribers", "import", smaller.toString(), "--replace", "--dry-run");
		assertThat(dryRun.out()).contains("3 imported (1 added, 1 updated, 1 unchanged), 1 rejected",
				"2 would be unsubscribed: not in the file", "Dry run: nothing was changed.");
		assertThat(list()).hasSize(5).allMatch(line -> line.startsWith("active "));

		var replace = cli.run("subscribers", "import", smaller.toString(), "--replace");

		assertThat(replace.exitCode()).isEqualTo(2);
		assertThat(replace.out()).contains("3 imported (1 added, 1 updated, 1 unchanged), 1 rejected",
				"2 unsubscribed: not in the file");
		assertThat(list()).containsExactly("active ada@example.org Ada Lovelace", "active GRACE@example.org Grace Hopper",
				"active Linus@example.org Linus", "unsubscribed zoe@example.org Zoë Ångström",
				"unsubscribed bob@bücher.example Bob", "active new@example.org New Reader");
	}

	@Test
	void anImportNeverReactivatesSomeoneWhoUnsubscribedUnlessAskedTo() throws Exception {
		cli.run("subscribers", "import", fixture("good.csv"));
		cli.run("subscribers", "remove", "ADA@example.org");
		Path again = write("again.csv", "email,name,status\nada@example.org,Ada,active\ngrace@example.org,Grace,\n");

		var plain = cli.run("subscribers", "import", again.toString());
		assertThat(plain.out()).contains("2 imported (0 added, 2 updated, 0 unchanged)");
		assertThat(list()).contains("unsubscribed ada@example.org Ada");

		var resubscribe = cli.run("subscribers", "import", again.toString(), "--resubscribe");
		assertThat(resubscribe.out()).contains("2 imported (0 added, 1 updated, 1 unchanged)");
		assertThat(list()).contains("active ada@example.org Ada", "active grace@example.org Grace");
	}

	@Test
	void dryRunReportsEverythingAndWritesNothing() throws Exception {
		var result = cli.run("subscribers", "import", fixture("bad.csv"), "--dry-run");

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.out()).contains("4 imported (4 added, 0 updated, 0 unchanged), 8 rejected",
				"Dry run: nothing was changed.");
		assertThat(result.err().lines()).hasSize(8);
		assertThat(list()).isEmpty();
	}

	@Test
	void aMissingFileOrOneWithoutAnEmailColumnIsBadInput() throws Exception {
		var missing = cli.run("subscribers", "import", dataDir.resolve("nope.csv").toString());
		assertThat(missing.exitCode()).isEqualTo(2);
		assertThat(missing.err().strip()).endsWith("nope.csv does not exist").doesNotContain("\n");

		Path noEmail = write("no-email.csv", "name,address\nAda,ada@example.org\n");
		var result = cli.run("subscribers", "import", noEmail.toString());
		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err().strip()).contains("no-email.csv, line 1: no 'email' column").doesNotContain("\n");

		Path empty = write("empty.csv", "");
		assertThat(cli.run("subscribers", "import", empty.toString()).exitCode()).isEqualTo(2);
		assertThat(list()).isEmpty();
	}

	@Test
	void anImportKilledPartWayFinishesWhenRunAgainWithNothingLostOrDoubled() throws Exception {
		int rows = 30_000;
		Path csv = write("big.csv", "email,name,city\n" + IntStream.rangeClosed(1, rows)
			.mapToObj(i -> "reader" + i + "@example.org,Reader " + i + ",City " + (i % 100))
			.collect(Collectors.joining("\n")) + "\n");
		var process = CliProcess.start(dataDir, "subscribers", "import", csv.toString(),
				"--newsletter.data-dir=" + dataDir);
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (!process.out().contains("import: up to line") && process.isAlive() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		Thread.sleep(300);
		process.kill();
		assertThat(process.out()).as("killed before the end").doesNotContain("imported (");

		var again = cli.run("subscribers", "import", csv.toString());

		assertThat(again.exitCode()).as(again.toString()).isZero();
		assertThat(again.out()).contains("Finishing the interrupted import of " + csv,
				rows + " imported (" + rows + " added, 0 updated, 0 unchanged), 0 rejected");
		List<String> list = list();
		assertThat(list).hasSize(rows).doesNotHaveDuplicates();
		assertThat(list.get(rows - 1)).isEqualTo("active reader" + rows + "@example.org Reader " + rows);
		String export = cli.run("subscribers", "export", "-").out();
		assertThat(export.lines().filter(line -> line.endsWith(",City 7"))).hasSize(rows / 100);
	}

	private List<String> list() {
		var result = cli.run("subscribers", "list");
		assertThat(result.exitCode()).isZero();
		return result.out().lines().map(line -> line.strip().replaceFirst("^\\d+\\s+", "").replaceAll("\\s{2,}", " "))
			.toList();
	}

	private Path write(String name, String content) throws Exception {
		return Files.writeString(dataDir.resolve(name), content, StandardCharsets.UTF_8);
	}

	private static String fixture(String name) {
		return Path.of("src/test/resources/fixtures/subscribers", name).toAbsolutePath().toString();
	}
}
