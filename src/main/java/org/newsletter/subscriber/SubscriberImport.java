package org.newsletter.subscriber;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.newsletter.config.BadInputException;
import org.newsletter.config.Failures;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Runs the subscriber-import job for a file. The same command on the same, unchanged file
 * after an import was interrupted (failed, or left started by a killed process) finishes that
 * import instead of starting over: the lines already committed are not read again.
 * <p>
 * Before anything changes, the whole file is checked to be UTF-8 (unless the charset is given,
 * see {@link FileEncoding}): a file that is UTF-8 but for some damaged lines is read as UTF-8 and
 * those lines are rejected; a file with no UTF-8 beyond ASCII is read as Windows-1252. Either way
 * the operator is told so in one line.
 */
@Component
public class SubscriberImport {

	private static final String STARTED = "started";

	private static final String FINGERPRINT = "fingerprint";

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job subscriberImportJob;

	private final ImportLineRepository lines;

	private final ImportProgress progress;

	private final Clock clock;

	private final ForgottenAddresses forgotten;

	SubscriberImport(JobOperator jobOperator, JobRepository jobRepository, Job subscriberImportJob,
			ImportLineRepository lines, ImportProgress progress, Clock clock, ForgottenAddresses forgotten) {
		this.forgotten = forgotten;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.subscriberImportJob = subscriberImportJob;
		this.lines = lines;
		this.progress = progress;
		this.clock = clock;
	}

	/**
	 * How to import.
	 *
	 * @param encoding the file's charset, or {@code null} to tell it from the file's bytes
	 * ({@link FileEncoding}: UTF-8, or Windows-1252 when nothing in the file is UTF-8 beyond ASCII
	 * and some bytes are not UTF-8)
	 * @param forget forget every address in the file (at the people's request) instead of importing it
	 */
	public record Options(boolean dryRun, boolean replace, boolean resubscribe, Charset encoding, boolean forget) {

		public Options(boolean dryRun, boolean replace, boolean resubscribe, Charset encoding) {
			this(dryRun, replace, resubscribe, encoding, false);
		}

		public Options(boolean dryRun, boolean replace, boolean resubscribe) {
			this(dryRun, replace, resubscribe, null);
		}
	}

	/**
	 * What an import did.
	 *
	 * @param unsubscribed subscribers {@code --replace} unsubscribed (or, in a dry run, would)
	 * @param unreadLines rejected lines whose address could not be read; with {@code --replace},
	 * when there are any, nobody was unsubscribed
	 * @param firstUnreadLine the first of those lines, 0 when there is none
	 * @param forget whether the import forgot the file's addresses ({@link Options#forget()})
	 * @param forgotten the addresses it forgot (or, in a dry run, would)
	 */
	public record Report(long added, long updated, long unchanged, long rejected, int unsubscribed, long unreadLines,
			long firstUnreadLine, boolean forget, long forgotten) {

		public long imported() {
			return added + updated + unchanged;
		}

		public String summary() {
			if (forget) {
				return forgotten + " forgotten, " + rejected + " rejected";
			}
			return imported() + " imported (" + added + " added, " + updated + " updated, " + unchanged + " unchanged), "
					+ rejected + " rejected";
		}
	}

	/**
	 * Imports {@code file}, printing progress to {@code out} and handing each rejected line, in
	 * file order, to {@code rejections}.
	 * @throws BadInputException when the file is missing, unreadable or has no email column
	 * @throws IllegalStateException when the import failed part-way (run it again to finish it)
	 */
	public Report importFile(Path file, Options options, PrintWriter out, Consumer<ImportLine.Rejected> rejections) {
		return importFile(file, options, out, out, rejections);
	}

	/**
	 * Imports {@code file}, printing progress to {@code out}, the notice that the file is not
	 * all UTF-8 to {@code notices}, and handing each rejected line, in file order, to {@code rejections}.
	 * @throws BadInputException when the file is missing, unreadable or has no email column
	 * @throws IllegalStateException when the import failed part-way (run it again to finish it)
	 */
	public Report importFile(Path file, Options options, PrintWriter out, PrintWriter notices,
			Consumer<ImportLine.Rejected> rejections) {
		if (options.forget() && options.replace()) {
			throw new BadInputException("--forget and --replace cannot be used together");
		}
		Path path = file.toAbsolutePath().normalize();
		Charset charset = options.encoding() == null ? detect(file, path, notices) : options.encoding();
		CsvRowReader.checkHeader(path, charset);
		JobParameters parameters = parameters(path, charset, options);
		progress.printTo(out);
		JobExecution execution;
		try {
			Optional<JobExecution> interrupted = interrupted(parameters);
			if (interrupted.isPresent()) {
				out.println("Finishing the interrupted import of " + file + " (execution " + interrupted.get().getId()
						+ ")");
				JobExecution last = interrupted.get();
				if (last.getStatus().isRunning()) {
					last = jobOperator.recover(last);
				}
				execution = jobOperator.restart(last);
			}
			else {
				execution = jobOperator.start(subscriberImportJob, new JobParametersBuilder(parameters)
					.addString(STARTED, clock.instant().toString())
					.toJobParameters());
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("the import could not start: " + ex.getMessage(), ex);
		}
		if (execution.getStatus() != BatchStatus.COMPLETED) {
			throw failure(file, execution);
		}
		long importId = execution.getJobInstance().getInstanceId();
		var context = execution.getExecutionContext();
		var counts = lines.counts(importId)
			.plus(context.getLong("added", 0), context.getLong("updated", 0), context.getLong("unchanged", 0));
		lines.forEachRejection(importId, rejections);
		lines.delete(importId);
		if (options.forget() && !options.dryRun()) {
			forgotten.eraseTraces();
		}
		return new Report(counts.added(), counts.updated(), counts.unchanged(), counts.rejected(),
				context.getInt(CsvImportJobConfig.UNSUBSCRIBED, 0), context.getLong(CsvImportJobConfig.UNREAD_LINES, 0),
				context.getLong(CsvImportJobConfig.FIRST_UNREAD_LINE, 0), options.forget(), counts.forgotten());
	}

	/** The charset {@code path} is read in, the notice printed when some of its bytes are not UTF-8. */
	private static Charset detect(Path file, Path path, PrintWriter notices) {
		FileEncoding.Detected detected;
		try {
			detected = FileEncoding.detect(path);
		}
		catch (NoSuchFileException ex) {
			throw new BadInputException("subscriber file " + path + " does not exist");
		}
		catch (IOException ex) {
			throw new BadInputException("subscriber file " + path + " cannot be read: " + ex.getMessage());
		}
		if (!detected.clean()) {
			notices.println("newsletter: " + notice(file, detected));
			notices.flush();
		}
		return detected.charset();
	}

	/** The one line that says how a file with bytes that are not UTF-8 text is read. */
	private static String notice(Path file, FileEncoding.Detected detected) {
		if (!detected.utf8()) {
			return file + " is not UTF-8 (line " + detected.firstBadLine() + " is not); reading it as Windows-1252";
		}
		boolean one = detected.badLines() == 1;
		return file + " has " + detected.badLines() + (one ? " line that is" : " lines that are") + " not UTF-8 ("
				+ (one ? "line " : "the first is line ") + detected.firstBadLine() + "); reading it as UTF-8, as "
				+ (detected.byteOrderMark() ? "its byte-order mark says" : "the rest of its text is") + ", and rejecting "
				+ (one ? "that line" : "those lines");
	}

	private JobParameters parameters(Path file, Charset charset, Options options) {
		String fingerprint;
		try {
			fingerprint = Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
		}
		catch (IOException ex) {
			throw new BadInputException("subscriber file " + file + " cannot be read: " + ex.getMessage());
		}
		var builder = new JobParametersBuilder().addString(CsvImportJobConfig.FILE, file.toString())
			.addString(FINGERPRINT, fingerprint)
			.addString(CsvImportJobConfig.ENCODING, charset.name())
			.addString(CsvImportJobConfig.DRY_RUN, Boolean.toString(options.dryRun()))
			.addString(CsvImportJobConfig.REPLACE, Boolean.toString(options.replace()))
			.addString(CsvImportJobConfig.RESUBSCRIBE, Boolean.toString(options.resubscribe()));
		if (options.forget()) {
			// only then: an import interrupted before this option existed is still found again
			builder.addString(CsvImportJobConfig.FORGET, "true");
		}
		return builder.toJobParameters();
	}

	/** The unfinished import of the same file, unchanged, with the same options. */
	private Optional<JobExecution> interrupted(JobParameters parameters) {
		return jobRepository.getJobInstances(CsvImportJobConfig.JOB_NAME, 0, 20)
			.stream()
			.map(jobRepository::getLastJobExecution)
			.filter(e -> e != null && e.getStatus() != BatchStatus.COMPLETED && e.getStatus() != BatchStatus.ABANDONED)
			.filter(e -> withoutStart(e.getJobParameters()).equals(parameters))
			.findFirst();
	}

	private static JobParameters withoutStart(JobParameters parameters) {
		var builder = new JobParametersBuilder();
		for (JobParameter<?> parameter : parameters) {
			if (!parameter.name().equals(STARTED)) {
				builder.addJobParameter(parameter);
			}
		}
		return builder.toJobParameters();
	}

	private static RuntimeException failure(Path file, JobExecution execution) {
		List<Throwable> causes = execution.getAllFailureExceptions();
		Throwable cause = causes.isEmpty() ? null : causes.get(0);
		if (cause instanceof BadInputException bad) {
			return bad;
		}
		String why = cause == null ? execution.getExitStatus().getExitDescription() : Failures.oneLine(causes);
		return new IllegalStateException("the import of " + file + " stopped (execution " + execution.getId() + ", "
				+ execution.getStatus() + "): " + why + "; run the same command again to finish it");
	}
}
