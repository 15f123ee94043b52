package org.newsletter.job;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.JobContext;
import org.springframework.batch.core.scope.context.JobSynchronizationManager;
import org.springframework.core.task.TaskDecorator;

/**
 * Carries the job scope into the threads that run a partitioned step's workers. Spring Batch
 * registers a job execution only on the thread that runs the job (its docs advise against
 * job-scoped beans in partitions for that reason), so a worker would otherwise find no job
 * scope; registered here, every worker of one execution shares that execution's beans.
 */
final class JobScopeCarrier implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable task) {
		JobContext context = JobSynchronizationManager.getContext(); // on the thread that submits the partition
		if (context == null) {
			return task;
		}
		JobExecution execution = context.getJobExecution();
		return () -> {
			JobSynchronizationManager.register(execution);
			try {
				task.run();
			}
			finally {
				JobSynchronizationManager.close();
			}
		};
	}
}
