package org.newsletter.subscriber;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
					"line 13: unknown status 'sometimes' (active, pending, unsubscribed or bounced) (mallory@example.org)",
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
	void theExportsAttributeColumnsAreTheNamesHeldNowAndNoneHeldIsLeftOut() throws Exception {
		// given: two attributes, plan held by one subscriber only
		assertThat(cli.run("subscribers", "import", write("list.csv", """
				email,company,plan
				ada@example.org,Engines,pro
				grace@example.org,Navy,
				""").toString()).exitCode()).isZero();
		assertThat(header()).endsWith(",unsubscribed_at,company,plan");

		// when: plan's only holder loses it (an empty cell), then a new name comes
		assertThat(cli.run("subscribers", "import", write("no-plan.csv", "email,plan\nada@example.org,\n").toString())
			.exitCode()).isZero();
		String afterRemoval = header();
		String again = header();
		assertThat(cli.run("subscribers", "import", write("city.csv", "email,city\ngrace@example.org,Arlington\n")
			.toString()).exitCode()).isZero();
		String withCity = header();
		assertThat(cli.run("subscribers", "forget", "grace@example.org").exitCode()).isZero();
		String afterForgetting = header();

		// then: each export has a column for each name held then, and only those
		assertThat(afterRemoval).endsWith(",unsubscribed_at,company");
		assertThat(again).isEqualTo(afterRemoval);
		assertThat(withCity).endsWith(",unsubscribed_at,city,company");
		assertThat(afterForgetting).endsWith(",unsubscribed_at,company");

		// and a name written behind the record's back fails the export rather than missing from it
		database("DELETE FROM subscriber_attribute_name WHERE name = 'company'");
		var failed = cli.run("subscribers", "export", "-");
		assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
		assertThat(failed.err()).contains("ada@example.org").contains("company").contains("run the export again");
		assertThat(header()).as("the next export reads the names from the rows").endsWith(",unsubscribed_at,company");
		assertThat(header()).endsWith(",unsubscribed_at,company");
	}

	/** The header line of an export to standard output. */
	private String header() {
		var result = cli.run("subscribers", "export", "-");
		assertThat(result.exitCode()).as(result.toString()).isZero();
		return result.out().lines().findFirst().orElseThrow();
	}

	/** Runs one statement on the data directory's database, as an operator with its password could. */
	private void database(String statement) throws Exception {
		String url = "jdbc:hsqldb:file:" + dataDir.resolve("db/newsletter") + ";hsqldb.lock_file=false;shutdown=true";
		String password = Files.readString(dataDir.resolve("db/newsletter.password")).strip();
		try (var connection = java.sql.DriverManager.getConnection(url, "SA", password);
				var sql = connection.createStatement()) {
			sql.execute(statement);
		}
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
	void pendingAndBouncedAreKnownToImportListAndExportAndABouncedAddressStaysSoUnlessAskedTo() throws Exception {
		Path file = write("statuses.csv", "email,name,status\np@example.org,P,pending\nb@example.org,B,bounced\n"
				+ "a@example.org,A,active\n");
		var imported = cli.run("subscribers", "import", file.toString());
		assertThat(imported.exitCode()).as(imported.toString()).isZero();
		assertThat(list()).containsExactly("pending p@example.org P", "bounced b@example.org B", "active a@example.org A");
		var pending = cli.run("subscribers", "list", "--status=pending");
		assertThat(pending.exitCode()).isZero();
		assertThat(pending.out()).contains("p@example.org").doesNotContain("b@example.org", "a@example.org");
		assertThat(cli.run("subscribers", "list", "--status=sometimes").err())
			.contains("--status must be active, pending, unsubscribed or bounced, not sometimes");
		var export = cli.run("subscribers", "export", "-");
		assertThat(export.out()).contains("p@example.org,P,pending", "b@example.org,B,bounced");

		// the operator's list vouches for a pending sign-up; a bounced address needs --resubscribe;
		// "pending" never takes an active subscriber back to unconfirmed
		Path again = write("again.csv", "email,name,status\np@example.org,P,active\nb@example.org,B,active\n"
				+ "a@example.org,A,pending\n");
		cli.run("subscribers", "import", again.toString());
		assertThat(list()).containsExactly("active p@example.org P", "bounced b@example.org B", "active a@example.org A");
		var add = cli.run("subscribers", "add", "b@example.org");
		assertThat(add.exitCode()).isEqualTo(2);
		assertThat(add.err()).contains("b@example.org bounced; add --resubscribe to mail it again");
		cli.run("subscribers", "import", again.toString(), "--resubscribe");
		assertThat(list()).containsExactly("active p@example.org P", "active b@example.org B", "active a@example.org A");
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

	@Test
	@Timeout(300)
	void badLinesScatteredOverManyChunksAreEachReportedAtTheirNumberAndAReimportChangesNothing() throws Exception {
		int rows = 12_000;
		StringBuilder text = new StringBuilder("email,name,city\n");
		List<String> expected = new java.util.ArrayList<>();
		int rejected = 0;
		for (int line = 2; line <= rows + 1; line++) {
			if (line % 97 == 0) {
				text.append("not-an-email-").append(line).append(",Nobody,\n");
				expected.add("line " + line + ": invalid address (not-an-email-" + line + ")");
				rejected++;
			}
			else if (line % 101 == 0) {
				// the address of a good line 7,000 lines before (another chunk), else of one just before
				int first = IntStream.of(line - 7_000, line - 1, line - 2)
					.filter(n -> n >= 2 && n % 97 != 0 && n % 101 != 0)
					.findFirst()
					.getAsInt();
				text.append("READER").append(first).append("@example.org,Again,\n");
				expected.add("line " + line + ": duplicate of line " + first + " (READER" + first + "@example.org)");
				rejected++;
			}
			else {
				text.append("reader").append(line).append("@example.org,Reader ").append(line).append(",City ")
					.append(line % 7).append('\n');
			}
		}
		Path csv = write("scattered.csv", text.toString());
		int imported = rows - rejected;

		var first = cli.run("subscribers", "import", csv.toString());
		var again = cli.run("subscribers", "import", csv.toString(), "--replace");

		assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
		assertThat(first.out()).contains(imported + " imported (" + imported + " added, 0 updated, 0 unchanged), "
				+ rejected + " rejected");
		assertThat(first.err().lines()).containsExactlyElementsOf(expected.stream().map(e -> csv + ": " + e).toList());
		assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
		assertThat(again.out()).contains(imported + " imported (0 added, 0 updated, " + imported + " unchanged), "
				+ rejected + " rejected", "0 unsubscribed: not in the file");
		assertThat(again.err().lines()).containsExactlyElementsOf(first.err().lines().toList());
		List<String> list = list();
		assertThat(list).hasSize(imported).allMatch(line -> line.startsWith("active reader"));
		assertThat(list).contains("active reader7100@example.org Reader 7100", "active reader12001@example.org Reader 12001");
	}

	@Test
	@Timeout(300)
	void aFileWithAByteThatIsNotUtf8IsReadAsWindows1252AndNoLineIsLost() throws Exception {
		Path csv = numbered("big.csv", 50_000, 30_000, false);

		var result = cli.run("subscribers", "import", csv.toString());

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.err().lines()).containsExactly(
				"newsletter: " + csv + " is not UTF-8 (line 30000 is not); reading it as Windows-1252");
		assertThat(result.out()).contains("50000 imported (50000 added, 0 updated, 0 unchanged), 0 rejected");
		List<String> list = list();
		assertThat(list).hasSize(50_000).allMatch(line -> line.startsWith("active "));
		assertThat(list).contains("active reader30000@example.org Reader 30000\u00FF",
				"active reader30001@example.org Reader 30001", "active reader50001@example.org Reader 50001");
	}

	@Test
	@Timeout(300)
	void replaceWithAFileThatIsNotUtf8UnsubscribesNobodyItNames() throws Exception {
		assertThat(cli.run("subscribers", "import", numbered("clean.csv", 50_000, 0, false).toString()).exitCode())
			.isZero();
		Path csv = numbered("big.csv", 50_000, 30_000, false);

		var result = cli.run("subscribers", "import", csv.toString(), "--replace");

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.out()).contains("50000 imported (0 added, 1 updated, 49999 unchanged), 0 rejected",
				"0 unsubscribed: not in the file");
		assertThat(list()).hasSize(50_000).allMatch(line -> line.startsWith("active "));
	}

	@Test
	@Timeout(300)
	void withUtf8GivenALineThatIsNotIsRejectedAtItsOwnNumberAndReplaceUnsubscribesNobody() throws Exception {
		assertThat(cli.run("subscribers", "import", numbered("clean.csv", 5_000, 0, false).toString()).exitCode())
			.isZero();
		Path csv = numbered("bad.csv", 5_000, 3_000, true);

		var result = cli.run("subscribers", "import", csv.toString(), "--encoding=UTF-8", "--replace");

		assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
		assertThat(result.err().lines()).containsExactly(
				csv + ": line 3000: not UTF-8 text (reader3000\uFFFD@example.org)",
				"newsletter: --replace unsubscribed nobody: the address on 1 line could not be read (line 3000);"
						+ " correct the file and import it again");
		assertThat(result.out()).contains("4999 imported (0 added, 0 updated, 4999 unchanged), 1 rejected")
			.doesNotContain("unsubscribed: not in the file");
		assertThat(list()).hasSize(5_000).allMatch(line -> line.startsWith("active "));

		var dryRun = cli.run("subscribers", "import", csv.toString(), "--encoding=utf8", "--replace", "--dry-run");
		assertThat(dryRun.exitCode()).isEqualTo(2);
		assertThat(dryRun.err()).contains("--replace would unsubscribe nobody");
	}

	@Test
	@Timeout(120)
	void aSpreadsheetsWindows1252FileImportsWithTheRightNamesAndOneNotice() throws Exception {
		Path csv = Files.write(dataDir.resolve("excel.csv"),
				"email,name\r\njose@example.org,Jos\u00E9 \u00C1lvarez\r\nzoe@example.org,Zo\u00EB \u2013 \u20AC\r\n"
					.getBytes("windows-1252"));

		var result = cli.run("subscribers", "import", csv.toString());

		assertThat(result.exitCode()).as(result.toString()).isZero();
		assertThat(result.err().lines()).containsExactly(
				"newsletter: " + csv + " is not UTF-8 (line 2 is not); reading it as Windows-1252");
		assertThat(list()).containsExactly("active jose@example.org Jos\u00E9 \u00C1lvarez",
				"active zoe@example.org Zo\u00EB \u2013 \u20AC");
	}

	@Test
	@Timeout(120)
	void aUtf8FileWithOneDamagedByteKeepsItsAccentedNamesAndRejectsOnlyThatLine() throws Exception {
		Path csv = Files.write(dataDir.resolve("damaged.csv"), bytes("email,name\njose@example.org,Jos\u00E9 \u00C1lvarez\n",
				"zoe@example.org,Zo\u00EB \u00C5ngstr\u00F6m\ngrace@example.org,Gr", new byte[] { (byte) 0xFF },
				"ce\nlinus@example.org,Linus \u2013 \u20AC\n"));

		var result = cli.run("subscribers", "import", csv.toString());

		assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
		assertThat(result.err().lines()).containsExactly("newsletter: " + csv
				+ " has 1 line that is not UTF-8 (line 4); reading it as UTF-8, as the rest of its text is, and rejecting that line",
				csv + ": line 4: not UTF-8 text (grace@example.org)");
		assertThat(result.out()).contains("3 imported (3 added, 0 updated, 0 unchanged), 1 rejected");
		assertThat(list()).containsExactly("active jose@example.org Jos\u00E9 \u00C1lvarez",
				"active zoe@example.org Zo\u00EB \u00C5ngstr\u00F6m", "active linus@example.org Linus \u2013 \u20AC");
	}

	@Test
	@Timeout(120)
	void withReplaceADamagedUtf8LineWhoseAddressIsIntactStillNamesIt() throws Exception {
		cli.run("subscribers", "import", fixture("good.csv"));
		Path csv = Files.write(dataDir.resolve("damaged.csv"), bytes("email,name\nzoe@example.org,Zo\u00EB \u00C5ngstr\u00F6m\n",
				"grace@example.org,Gr", new byte[] { (byte) 0xFF }, "ce\nada@example.org,Ada ", new byte[] { (byte) 0xC3 },
				"\nLinus@example.org,Linus\n"));

		var result = cli.run("subscribers", "import", csv.toString(), "--replace");

		assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
		assertThat(result.err().lines()).containsExactly("newsletter: " + csv
				+ " has 2 lines that are not UTF-8 (the first is line 3); reading it as UTF-8, as the rest of its text is,"
				+ " and rejecting those lines",
				csv + ": line 3: not UTF-8 text (grace@example.org)", csv + ": line 4: not UTF-8 text (ada@example.org)");
		assertThat(result.out()).contains("2 imported (0 added, 0 updated, 2 unchanged), 2 rejected",
				"1 unsubscribed: not in the file");
		assertThat(list()).containsExactly("active ada@example.org Ada Lovelace", "active grace@example.org Hopper, Grace",
				"active Linus@example.org Linus", "active zoe@example.org Zo\u00EB \u00C5ngstr\u00F6m",
				"unsubscribed bob@b\u00FCcher.example Bob");
	}

	@Test
	@Timeout(120)
	void aBadByteOnLineThreeIsReportedOnLineThreeNotAsTheHeader() throws Exception {
		Path csv = Files.write(dataDir.resolve("small.csv"),
				"email,name\nada@example.org,Ada\ngrace@example.org,Gr\u00FFce\nlinus@example.org,Linus\n"
					.getBytes(StandardCharsets.ISO_8859_1));

		var utf8 = cli.run("subscribers", "import", csv.toString(), "--encoding", "UTF-8");

		assertThat(utf8.exitCode()).as(utf8.toString()).isEqualTo(2);
		assertThat(utf8.err().lines()).containsExactly(csv + ": line 3: not UTF-8 text (grace@example.org)");
		assertThat(utf8.out()).contains("2 imported (2 added, 0 updated, 0 unchanged), 1 rejected");
		assertThat(list()).containsExactly("active ada@example.org Ada", "active linus@example.org Linus");

		var detected = cli.run("subscribers", "import", csv.toString());

		assertThat(detected.exitCode()).as(detected.toString()).isZero();
		assertThat(detected.err()).contains("is not UTF-8 (line 3 is not); reading it as Windows-1252");
		assertThat(list()).contains("active grace@example.org Gr\u00FFce");
	}

	@Test
	@Timeout(120)
	void aLineWhoseOtherCellsAreNotTextStillNamesItsAddressForReplace() throws Exception {
		cli.run("subscribers", "import", fixture("good.csv"));
		Path csv = Files.write(dataDir.resolve("bom.csv"),
				"\u00EF\u00BB\u00BFemail,name\nada@example.org,Ad\u00E1\ngrace@example.org,Grace\n"
					.getBytes(StandardCharsets.ISO_8859_1));

		var result = cli.run("subscribers", "import", csv.toString(), "--replace");

		assertThat(result.err().lines()).containsExactly(
				"newsletter: " + csv + " has 1 line that is not UTF-8 (line 2); reading it as UTF-8, as its byte-order"
						+ " mark says, and rejecting that line",
				csv + ": line 2: not UTF-8 text (ada@example.org)");
		assertThat(result.out()).contains("1 imported (0 added, 1 updated, 0 unchanged), 1 rejected",
				"3 unsubscribed: not in the file");
		assertThat(list()).contains("active ada@example.org Ada Lovelace", "active grace@example.org Grace",
				"unsubscribed zoe@example.org Zo\u00EB \u00C5ngstr\u00F6m");
	}

	@Test
	@Timeout(120)
	void aQuoteThatNeverClosesSpoilsOnlyItsLineAndReplaceUnsubscribesNobody() throws Exception {
		cli.run("subscribers", "import", fixture("good.csv"));
		Path csv = write("quote.csv", "email,name\nada@example.org,Ada Lovelace\n\"grace@example.org,Grace\nLinus@example.org,Linus\n");

		var result = cli.run("subscribers", "import", csv.toString(), "--replace");

		assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
		assertThat(result.err().lines()).containsExactly(csv + ": line 3: unterminated quote",
				"newsletter: --replace unsubscribed nobody: the address on 1 line could not be read (line 3);"
						+ " correct the file and import it again");
		assertThat(result.out()).contains("2 imported (0 added, 0 updated, 2 unchanged), 1 rejected");
		assertThat(list()).hasSize(5).allMatch(line -> line.startsWith("active "));
	}

	@Test
	@Timeout(120)
	void anUnknownEncodingIsAUsageError() throws Exception {
		var result = cli.run("subscribers", "import", fixture("good.csv"), "--encoding=klingon");

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err()).contains("--encoding: unknown charset 'klingon'");
		assertThat(list()).isEmpty();
	}

	/**
	 * A file of {@code rows} lines {@code readerN@example.org,Reader N} (N its line number), with
	 * the byte 0xFF in the name, or the address, on {@code badLine} (none when 0).
	 */
	private Path numbered(String name, int rows, int badLine, boolean inAddress) throws Exception {
		StringBuilder text = new StringBuilder("email,name\n");
		for (int n = 2; n <= rows + 1; n++) {
			String bad = n == badLine ? "\u00FF" : "";
			text.append("reader").append(n).append(inAddress ? bad : "").append("@example.org,Reader ").append(n)
				.append(inAddress ? "" : bad).append('\n');
		}
		return Files.write(dataDir.resolve(name), text.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	/** The strings in UTF-8 and the byte arrays as they are, one after the other. */
	private static byte[] bytes(Object... parts) throws Exception {
		var out = new ByteArrayOutputStream();
		for (Object part : parts) {
			out.write(part instanceof byte[] raw ? raw : ((String) part).getBytes(StandardCharsets.UTF_8));
		}
		return out.toByteArray();
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
