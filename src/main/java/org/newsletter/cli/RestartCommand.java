package org.newsletter.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.newsletter.config.BadInputException;
import org.newsletter.job.RunHeartbeat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * {@code restart}: finishes a failed, stopped or abandoned run of the weekly digest: the same
 * job instance, cutoff and issue, sending only to whoever has not had it yet.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
		header = "Finishes a failed run: the same issue goes to everyone who has not had it yet.",
		description = { "Restarts the given execution, or the latest failed/stopped one. An execution left STARTED by",
				"a process that was killed is recovered first. Steps that completed are not run again: the issue",
				"rendered before the failure is reused." },
		footer = { "", "Example:", "  ./newsletter restart 42" })
class RestartCommand implements Callable<Integer> {

	@Parameters(arity = "0..1", paramLabel = "EXECUTION_ID", description = "The execution to restart (default: the latest unfinished one).")
	Long executionId;

	@Spec
	CommandSpec spec;

	private final JobRepository jobRepository;

	private final JobOperator jobOperator;

	private final DigestLauncher launcher;

	private final RunHeartbeat heartbeat;

	RestartCommand(JobRepository jobRepository, JobOperator jobOperator, DigestLauncher launcher, RunHeartbeat heartbeat) {
		this.heartbeat = heartbeat;
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
		this.launcher = launcher;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		PrintWriter err = spec.commandLine().getErr();
		Optional<JobExecution> found = executionId != null ? Optional.ofNullable(jobRepository.getJobExecution(executionId))
				: launcher.unfinishedRuns().stream().findFirst();
		if (found.isEmpty()) {
			if (executionId != null) {
				throw new BadInputException("there is no execution " + executionId + " (see ./newsletter status)");
			}
			err.println("newsletter: nothing to restart: no failed or stopped run");
			return ExitCodes.NOTHING_TO_DO;
		}
		JobExecution execution = latestOfInstance(found.get());
		if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
			err.println("newsletter: execution " + execution.getId() + " (cutoff " + cutoff(execution) + ") is "
					+ execution.getStatus() + "; there is nothing to restart");
			return ExitCodes.NOTHING_TO_DO;
		}
		if (execution.getStatus().isRunning()) {
			Optional<RunHeartbeat.Owner> owner = heartbeat.liveOwner(execution.getId());
			if (owner.isPresent()) {
				err.println("newsletter: execution " + execution.getId() + " (cutoff " + cutoff(execution)
						+ ") is running now in " + owner.get() + "; wait for it to finish");
				return ExitCodes.FAILED;
			}
			out.println("Execution " + execution.getId() + " was left " + execution.getStatus()
					+ " by a process that ended without finishing; recovering it.");
			execution = jobOperator.recover(execution);
		}
		out.println("Restarting execution " + execution.getId() + " (cutoff " + cutoff(execution) + ")");
		return launcher.report(jobOperator.restart(execution), out, err);
	}

	/** The newest execution of the same instance: restarting an old failed one means restarting the issue. */
	private JobExecution latestOfInstance(JobExecution execution) {
		JobExecution last = jobRepository.getLastJobExecution(execution.getJobInstance());
		return last != null ? last : execution;
	}

	private static String cutoff(JobExecution execution) {
		return execution.getJobParameters().getString("cutoff");
	}
}
