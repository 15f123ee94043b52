package org.newsletter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.newsletter.BadInputException;
import org.newsletter.subscriber.EmailAddresses;
import org.newsletter.subscriber.InvalidAddressException;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberImport;
import org.newsletter.subscriber.SubscriberRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code subscribers}: the subscriber list. */
@Command(name = "subscribers", mixinStandardHelpOptions = true, header = "Manages the subscriber list.",
		subcommands = { SubscribersCommand.Import.class, SubscribersCommand.ListSubscribers.class,
				SubscribersCommand.Add.class, SubscribersCommand.Remove.class })
class SubscribersCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

	/** {@code subscribers import FILE}. */
	@Command(name = "import", mixinStandardHelpOptions = true, header = "Imports subscribers from a CSV file.",
			description = { "The header row names the columns: email (required), name, status (active or unsubscribed).",
					"Each rejected line is reported with its number and reason; the good lines are kept.",
					"Exit code 0 when every line was imported, 2 when some were rejected." },
			footer = { "", "Example:", "  ./newsletter subscribers import batch-config/subscribers.example.csv" })
	static class Import implements Callable<Integer> {

		@Parameters(paramLabel = "FILE", description = "The CSV file (UTF-8, with or without BOM).")
		Path file;

		@Option(names = "--dry-run", description = "Report what would change; write nothing.")
		boolean dryRun;

		@Spec
		CommandSpec spec;

		private final SubscriberImport subscriberImport;

		Import(SubscriberImport subscriberImport) {
			this.subscriberImport = subscriberImport;
		}

		@Override
		public Integer call() {
			var report = subscriberImport.importFile(file, dryRun);
			PrintWriter err = spec.commandLine().getErr();
			report.rejected().forEach(rejection -> err.println(file + ": " + rejection));
			spec.commandLine().getOut().println(report.summary() + (dryRun ? " (dry run: nothing written)" : ""));
			return report.rejected().isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
		}
	}

	/** {@code subscribers list}. */
	@Command(name = "list", mixinStandardHelpOptions = true, header = "Lists the subscribers.",
			footer = { "", "Example:", "  ./newsletter subscribers list --status=active" })
	static class ListSubscribers implements Callable<Integer> {

		@Option(names = "--status", paramLabel = "STATUS", description = "Only this status: active or unsubscribed.")
		String status;

		@Spec
		CommandSpec spec;

		private final SubscriberRepository subscribers;

		ListSubscribers(SubscriberRepository subscribers) {
			this.subscribers = subscribers;
		}

		@Override
		public Integer call() {
			PrintWriter out = spec.commandLine().getOut();
			for (Subscriber s : subscribers.findAll(status)) {
				out.printf("%-6d %-13s %-40s %s%n", s.id(), s.status(), s.email(), s.name() == null ? "" : s.name());
			}
			return ExitCodes.OK;
		}
	}

	/** {@code subscribers add EMAIL [NAME]}. */
	@Command(name = "add", mixinStandardHelpOptions = true, header = "Adds one subscriber (or re-activates one).",
			footer = { "", "Example:", "  ./newsletter subscribers add ada@example.org \"Ada Lovelace\"" })
	static class Add implements Callable<Integer> {

		@Parameters(index = "0", paramLabel = "EMAIL", description = "The address.")
		String email;

		@Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The display name.")
		String name;

		@Spec
		CommandSpec spec;

		private final SubscriberRepository subscribers;

		private final Clock clock;

		Add(SubscriberRepository subscribers, Clock clock) {
			this.subscribers = subscribers;
			this.clock = clock;
		}

		@Override
		public Integer call() {
			String address;
			try {
				address = EmailAddresses.normalise(email);
			}
			catch (InvalidAddressException ex) {
				throw new BadInputException("'" + email + "': " + ex.getMessage());
			}
			if (name != null && name.chars().anyMatch(Character::isISOControl)) {
				throw new BadInputException("the name has a line break or control character");
			}
			var change = subscribers.upsert(address, name, Subscriber.ACTIVE, true, clock.instant());
			spec.commandLine().getOut().println(address + ": " + change.name().toLowerCase(java.util.Locale.ROOT));
			return ExitCodes.OK;
		}
	}

	/** {@code subscribers remove EMAIL}. */
	@Command(name = "remove", mixinStandardHelpOptions = true,
			header = "Unsubscribes one subscriber (kept, with the delivery history).",
			footer = { "", "Example:", "  ./newsletter subscribers remove ada@example.org" })
	static class Remove implements Callable<Integer> {

		@Parameters(paramLabel = "EMAIL", description = "The address, in any case.")
		String email;

		@Spec
		CommandSpec spec;

		private final SubscriberRepository subscribers;

		private final Clock clock;

		Remove(SubscriberRepository subscribers, Clock clock) {
			this.subscribers = subscribers;
			this.clock = clock;
		}

		@Override
		public Integer call() {
			var subscriber = subscribers.findByEmail(email.strip())
				.orElseThrow(() -> new BadInputException("no subscriber " + email));
			subscribers.unsubscribe(subscriber.id(), clock.instant());
			spec.commandLine().getOut().println(subscriber.email() + ": unsubscribed");
			return ExitCodes.OK;
		}
	}
}
