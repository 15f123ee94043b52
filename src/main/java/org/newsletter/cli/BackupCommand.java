package org.newsletter.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.newsletter.config.DatabaseBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backup}: an online backup of the database and the unsubscribe secret. */
@Command(name = "backup", mixinStandardHelpOptions = true,
		header = "Backs up the subscribers, the runs and the deliveries while the program is in use.",
		description = { "Writes the database as <name>-<time>.tar.gz (HSQLDB's BACKUP DATABASE) and a copy of the",
				"unsubscribe secret into DIR, both readable by you only. README, Backups, says how to restore.",
				"On PostgreSQL, use pg_dump instead." },
		footer = { "", "Example:", "  ./newsletter backup /var/backups/newsletter" })
class BackupCommand implements Callable<Integer> {

	@Parameters(paramLabel = "DIR", description = "The folder to write the backup into (created when missing).")
	Path dir;

	@Spec
	CommandSpec spec;

	private final DatabaseBackup backup;

	BackupCommand(DatabaseBackup backup) {
		this.backup = backup;
	}

	@Override
	public Integer call() throws Exception {
		var written = backup.to(dir);
		var out = spec.commandLine().getOut();
		out.println("Database backed up to " + written.database());
		if (written.password() != null) {
			out.println("Database password copied to " + written.password());
		}
		if (written.secret() != null) {
			out.println("Unsubscribe secret copied to " + written.secret());
		}
		return ExitCodes.OK;
	}
}
