package org.newsletter.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.newsletter.job.RunRestart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import org.springframework.batch.core.job.JobExecution;

/**
 * {@code restart}: finishes a failed, stopped or abandoned run of the weekly digest: the same
 * job instance, cutoff and issue, sending only to whoever has not had it yet ({@link RunRestart},
 * which the operator page's Restart button runs too).
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

	private final RunRestart restarts;

	private final DigestLauncher launcher;

	RestartCommand(RunRestart restarts, DigestLauncher launcher) {
		this.restarts = restarts;
		this.launcher = launcher;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		PrintWriter err = spec.commandLine().getErr();
		RunRestart.Plan plan = restarts.plan(executionId);
		if (plan instanceof RunRestart.Refused refused) {
			err.println("newsletter: " + refused.reason());
			return refused.running() ? ExitCodes.FAILED : ExitCodes.NOTHING_TO_DO;
		}
		RunRestart.Ready ready = (RunRestart.Ready) plan;
		JobExecution execution = ready.execution();
		if (ready.abandoned()) {
			out.println("Execution " + execution.getId() + " was left " + execution.getStatus()
					+ " by a process that ended without finishing; recovering it.");
		}
		out.println("Restarting execution " + execution.getId() + " (cutoff " + ready.cutoff() + ")");
		return launcher.report(restarts.restart(ready), out, err);
	}
}
