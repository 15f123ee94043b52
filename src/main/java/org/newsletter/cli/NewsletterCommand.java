package org.newsletter.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top command: lists the sub-commands. */
@Command(name = "newsletter", mixinStandardHelpOptions = true, version = "newsletter 0.1",
		header = "Turns RSS/Atom feeds into a weekly email digest.",
		description = "Every option is also a Spring property: --newsletter.x=y or NEWSLETTER_X=y.",
		subcommands = { RunCommand.class, RestartCommand.class, StatusCommand.class, DeliveriesCommand.class,
				PreviewCommand.class, ServeCommand.class, WorkerCommand.class, FeedsCommand.class, SubscribersCommand.class, BackupCommand.class,
				DemoCommand.class, picocli.CommandLine.HelpCommand.class },
		footer = { "", "Example:", "  ./newsletter run --cutoff=2026-03-24T08:00:00Z" })
class NewsletterCommand implements Runnable {

	@Option(names = "--verbose", scope = ScopeType.INHERIT,
			description = "Show the framework's log on the terminal too (it always goes to <data-dir>/logs).")
	boolean verbose;

	@picocli.CommandLine.Spec
	picocli.CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}
}
