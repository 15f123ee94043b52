package org.newsletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each feed's health over runs, as the operator sees it: a feed failing
 * {@code newsletter.fetch.disable-after} runs in a row is flagged in the run summary and by
 * {@code feeds check}, and one success clears it.
 */
class FeedHealthEndToEndTests {

	private static final Path PLANET = EndToEnd.planet("march-20");

	@RegisterExtension
	final EndToEnd e2e = EndToEnd.serving(PLANET).withoutGreenMail().with("newsletter.fetch.disable-after", 2);

	@Test
	void aFeedFailingRunAfterRunIsReportedLoudlyUntilItRecovers() throws IOException {
		var broken = new AtomicBoolean(true);
		byte[] good = Files.readAllBytes(PLANET.resolve("pypy.xml"));
		e2e.feeds().handle("/flaky.xml", exchange -> {
			exchange.sendResponseHeaders(broken.get() ? 404 : 200, broken.get() ? -1 : good.length);
			if (!broken.get()) {
				exchange.getResponseBody().write(good);
			}
		});
		String flaky = e2e.feeds().url("/flaky.xml");
		Files.writeString(e2e.dataDir().resolve("feeds.opml"), "<opml version=\"2.0\"><body>\n"
				+ "<outline text=\"Armin Ronacher\" xmlUrl=\"" + e2e.feeds().url("/feeds/armin-ronacher.xml") + "\"/>\n"
				+ "<outline text=\"Flaky\" xmlUrl=\"" + flaky + "\"/>\n</body></opml>\n");
		var cli = e2e.cli();

		var first = cli.run("run", "--dry-run", "--cutoff=2026-03-21T00:00:00Z");
		assertThat(first.out()).as(first.toString()).contains("failed: Flaky (" + flaky + "): HTTP 404")
			.doesNotContain("WARNING");

		var second = cli.run("run", "--dry-run", "--cutoff=2026-03-22T00:00:00Z");
		assertThat(second.out()).as(second.toString())
			.contains("WARNING    Flaky (" + flaky + ") has FAILED 2 RUNS IN A ROW (never succeeded)");

		var check = cli.run("feeds", "check");
		assertThat(check.exitCode()).isEqualTo(1);
		assertThat(check.out()).as(check.toString())
			.containsPattern("ok .*Armin Ronacher[^\n]*\n        runs: ok, last success \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\n")
			.contains("runs: failed 2 runs in a row, last success never; last error: HTTP 404\n"
					+ "        WARNING: failing for 2 runs or more (newsletter.fetch.disable-after)");

		broken.set(false);
		var third = cli.run("run", "--dry-run", "--cutoff=2026-03-23T00:00:00Z");
		assertThat(third.out()).as(third.toString()).contains("fetch: 2/2 feeds ok").doesNotContain("WARNING");
		assertThat(cli.run("feeds", "check").out()).doesNotContain("WARNING", "failed");
	}
}
