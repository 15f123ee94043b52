package org.newsletter.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

import org.newsletter.job.DigestParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the weekly-digest job, once. */
@Command(name = "run", mixinStandardHelpOptions = true,
		header = "Runs the weekly digest: fetch the feeds, compose the issue, send it, mark it sent.",
		description = { "Entries new since the last sent issue (up to the cutoff) go to every active subscriber.",
				"Without spring.mail.host, messages are written to the outbox folder instead." },
		footer = { "", "Exit codes: 0 sent, 1 failed (restart it), 2 bad input, 3 nothing to send or already sent.",
				"", "Example:", "  ./newsletter run --cutoff=2026-03-24T08:00:00Z" })
class RunCommand implements Callable<Integer> {

	@Option(names = "--cutoff", paramLabel = "ISO-INSTANT",
			description = "End of the issue's window, e.g. 2026-03-24T08:00:00Z (default: now). One issue per cutoff.")
	Instant cutoff;

	@Option(names = "--dry-run", description = "Render and write the messages to the outbox folder; send and record nothing.")
	boolean dryRun;

	@Option(names = "--send-empty", description = "Send even when fewer entries than newsletter.min-entries are new.")
	boolean sendEmpty;

	@Spec
	CommandSpec spec;

	private final DigestLauncher launcher;

	private final Clock clock;

	RunCommand(DigestLauncher launcher, Clock clock) {
		this.launcher = launcher;
		this.clock = clock;
	}

	@Override
	public Integer call() {
		Instant at = cutoff != null ? cutoff : clock.instant().truncatedTo(ChronoUnit.SECONDS);
		return launcher.run(new DigestParameters(at, dryRun, sendEmpty, false), spec.commandLine().getOut(),
				spec.commandLine().getErr());
	}
}
