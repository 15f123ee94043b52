package org.newsletter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.newsletter.config.BadInputException;
import org.newsletter.subscriber.CsvExport;
import org.newsletter.subscriber.EmailAddresses;
import org.newsletter.subscriber.ForgottenAddresses;
import org.newsletter.subscriber.InvalidAddressException;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberImport;
import org.newsletter.subscriber.SubscriberRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code subscribers}: the subscriber list. */
@Command(name = "subscribers", mixinStandardHelpOptions = true, header = "Manages the subscriber list.",
		subcommands = { SubscribersCommand.Import.class, SubscribersCommand.Export.class,
				SubscribersCommand.ListSubscribers.class,
				SubscribersCommand.Add.class, SubscribersCommand.Remove.class, SubscribersCommand.Forget.class })
class SubscribersCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

	/** {@code subscribers import FILE}. */
	@Command(name = "import", mixinStandardHelpOptions = true, header = "Imports subscribers from a CSV file.",
			description = {
					"The header row names the columns, in any case: email (required), name, status (active, pending,",
					"unsubscribed or bounced; without a status header, a third field is the status). Other columns are",
					"kept as attributes. UTF-8 with or without a byte-order mark (a damaged line is rejected, with a",
					"notice); a file that is not UTF-8 and holds no UTF-8 character beyond ASCII is read as",
					"Windows-1252 (with a notice) unless --encoding says otherwise. RFC 4180 quoting.",
					"Existing subscribers are updated, never duplicated; someone who unsubscribed or bounced stays so",
					"unless the line says active and --resubscribe is given; pending applies only to new addresses.",
					"Each rejected line is reported with its number, value and reason; the good lines are kept. An",
					"import that was interrupted (killed, or failed)",
					"is finished by running the same command again on the unchanged file. --replace unsubscribes",
					"nobody when a line's address could not be read (a broken line, or bytes that are not text).",
					"An address forgotten at the person's request (subscribers forget) is rejected unless --resubscribe.",
					"With --forget, every address in the file is forgotten instead (the other columns are ignored).",
					"Exit code 0 when every line was imported, 2 when some were rejected or the file is unusable." },
			footer = { "", "Examples:", "  ./newsletter subscribers import list.csv",
					"  ./newsletter subscribers import list.csv --replace --dry-run",
					"  ./newsletter subscribers import erasure-requests.csv --forget" })
	static class Import implements Callable<Integer> {

		@Parameters(paramLabel = "FILE", description = "The CSV file.")
		Path file;

		@Option(names = "--dry-run", description = "Report what would change; the subscriber list is not touched.")
		boolean dryRun;

		@Option(names = "--replace",
				description = "Subscribers the file does not name become unsubscribed (never deleted).")
		boolean replace;

		@Option(names = "--resubscribe",
				description = "Re-activate unsubscribed or bounced subscribers whose line says status active, and add "
						+ "addresses that were forgotten.")
		boolean resubscribe;

		@Option(names = "--forget",
				description = "Forget every address in the file, as subscribers forget does, instead of importing it.")
		boolean forget;

		@Option(names = "--encoding", paramLabel = "CHARSET",
				description = "The file's charset (e.g. UTF-8, windows-1252, ISO-8859-15); a line with bytes that are "
						+ "not text in it is rejected. Default: UTF-8, or Windows-1252 when the file is not UTF-8 "
						+ "and holds no UTF-8 character beyond ASCII.")
		String encoding;

		@Spec
		CommandSpec spec;

		private final SubscriberImport subscriberImport;

		Import(SubscriberImport subscriberImport) {
			this.subscriberImport = subscriberImport;
		}

		@Override
		public Integer call() {
			PrintWriter out = spec.commandLine().getOut();
			PrintWriter err = spec.commandLine().getErr();
			if (forget && (replace || resubscribe)) {
				throw new ParameterException(spec.commandLine(), "--forget cannot be used with --replace or --resubscribe");
			}
			var options = new SubscriberImport.Options(dryRun, replace, resubscribe, charset(), forget);
			var report = subscriberImport.importFile(file, options, out, err,
					rejected -> err.println(file + ": " + rejected));
			err.flush();
			out.println(report.summary());
			if (replace && report.unreadLines() > 0) {
				err.println("newsletter: --replace " + (dryRun ? "would unsubscribe" : "unsubscribed") + " nobody: the address on "
						+ report.unreadLines() + (report.unreadLines() == 1 ? " line" : " lines")
						+ " could not be read (" + (report.unreadLines() == 1 ? "line " : "the first on line ")
						+ report.firstUnreadLine() + "); correct the file and import it again");
				err.flush();
			}
			else if (replace) {
				out.println(report.unsubscribed() + (dryRun ? " would be" : "") + " unsubscribed: not in the file");
			}
			if (dryRun) {
				out.println("Dry run: nothing was changed.");
			}
			return report.rejected() == 0 ? ExitCodes.OK : ExitCodes.BAD_INPUT;
		}

		private Charset charset() {
			if (encoding == null) {
				return null;
			}
			try {
				return Charset.forName(encoding.strip());
			}
			catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
				throw new ParameterException(spec.commandLine(), "--encoding: unknown charset '" + encoding
						+ "' (e.g. UTF-8, windows-1252, ISO-8859-15)");
			}
		}
	}

	/** {@code subscribers export FILE}. */
	@Command(name = "export", mixinStandardHelpOptions = true, header = "Exports every subscriber as CSV.",
			description = { "Columns: email, name, status, created, updated, unsubscribed_at, then one per attribute.",
					"Cells a spreadsheet would run as a formula start with ' (an import takes it off again).",
					"Importing an export changes nothing." },
			footer = { "", "Examples:", "  ./newsletter subscribers export subscribers.csv",
					"  ./newsletter subscribers export - | less" })
	static class Export implements Callable<Integer> {

		@Parameters(paramLabel = "FILE", description = "Where to write (UTF-8); - for standard output.")
		String file;

		@Spec
		CommandSpec spec;

		private final CsvExport export;

		Export(CsvExport export) {
			this.export = export;
		}

		@Override
		public Integer call() throws IOException {
			long count = OutputFile.write(file, spec.commandLine().getOut(), export::export);
			if (!OutputFile.isStandardOutput(file)) {
				spec.commandLine().getErr().println(count + " subscribers written to " + file);
			}
			return ExitCodes.OK;
		}
	}

	/** {@code subscribers list}. */
	@Command(name = "list", mixinStandardHelpOptions = true, header = "Lists the subscribers.",
			footer = { "", "Example:", "  ./newsletter subscribers list --status=active" })
	static class ListSubscribers implements Callable<Integer> {

		@Option(names = "--status", paramLabel = "STATUS", description = "Only this status: active, pending, unsubscribed or bounced.")
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
			if (status != null && !Subscriber.STATUSES.contains(status)) {
				throw new ParameterException(spec.commandLine(),
						"--status must be " + Subscriber.statusChoices() + ", not " + status);
			}
			subscribers.forEach(status, s -> out.printf("%-6d %-13s %-40s %s%n", s.id(), s.status(), s.email(),
					s.name() == null ? "" : s.name()));
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

		@Option(names = "--resubscribe", description = "Add the address even though it was forgotten at the person's "
				+ "request, or re-activate it although it bounced.")
		boolean resubscribe;

		@Spec
		CommandSpec spec;

		private final SubscriberRepository subscribers;

		private final ForgottenAddresses forgotten;

		private final Clock clock;

		Add(SubscriberRepository subscribers, ForgottenAddresses forgotten, Clock clock) {
			this.subscribers = subscribers;
			this.forgotten = forgotten;
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
			boolean wasForgotten = forgotten.isForgotten(EmailAddresses.key(address));
			if (wasForgotten && !resubscribe) {
				throw new BadInputException(address + " was " + ForgottenAddresses.REASON
						+ "; add --resubscribe to subscribe it again");
			}
			if (!resubscribe && subscribers.findByEmail(address)
				.filter(s -> Subscriber.BOUNCED.equals(s.status()))
				.isPresent()) {
				throw new BadInputException(address + " bounced; add --resubscribe to mail it again");
			}
			var change = subscribers.subscribe(address, name == null || name.isBlank() ? null : name.strip(),
					clock.instant());
			if (wasForgotten) {
				forgotten.remove(java.util.List.of(EmailAddresses.key(address)));
			}
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

	/** {@code subscribers forget EMAIL...}. */
	@Command(name = "forget", mixinStandardHelpOptions = true,
			header = "Erases people at their request (the right to erasure).",
			description = { "Deletes each person's row, name and attributes; their delivery rows stay, so the issues'",
					"counts add up, without the address (the delivery report shows them as forgotten). What is kept",
					"is a one-way hash of the address on a suppression list, so that a later import or add of it is",
					"refused unless --resubscribe. An address that is not on the list is put on the suppression list.",
					"The database files are rewritten afterwards, so the address is nowhere in them; backups taken",
					"before keep it (README, Privacy). To forget many, see subscribers import --forget." },
			footer = { "", "Example:", "  ./newsletter subscribers forget ada@example.org" })
	static class Forget implements Callable<Integer> {

		@Parameters(arity = "1..*", paramLabel = "EMAIL", description = "The addresses, in any case.")
		java.util.List<String> emails;

		@Spec
		CommandSpec spec;

		private final ForgottenAddresses forgotten;

		private final Clock clock;

		Forget(ForgottenAddresses forgotten, Clock clock) {
			this.forgotten = forgotten;
			this.clock = clock;
		}

		@Override
		public Integer call() {
			var addresses = new java.util.ArrayList<String>();
			for (String email : emails) {
				try {
					addresses.add(EmailAddresses.normalise(email));
				}
				catch (InvalidAddressException ex) {
					throw new BadInputException("'" + email + "': " + ex.getMessage() + "; nobody was forgotten");
				}
			}
			PrintWriter out = spec.commandLine().getOut();
			for (String address : addresses) {
				var done = forgotten.forget(address, clock.instant());
				out.println(address + ": " + (done.subscriber() ? "forgotten, " + done.deliveries()
						+ (done.deliveries() == 1 ? " delivery" : " deliveries") + " kept without the address"
						: "not on the list; on the suppression list now"));
			}
			forgotten.eraseTraces();
			return ExitCodes.OK;
		}
	}
}
