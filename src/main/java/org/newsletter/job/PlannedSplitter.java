package org.newsletter.job;

import java.util.Map;
import java.util.Set;

import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.SimpleStepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Spring Batch's splitter, then each partition whose execution came back without its plan
 * gets it from the partitioner again. Spring Batch creates a partition's execution and saves
 * its context in two statements; a process killed between them leaves a partition with an
 * empty context, and a restart hands that empty context on (it restarts a partition with its
 * last context, never the partitioner's). The partitioner must therefore give the same plan
 * at every start of a run ({@code WeeklyDigestJobConfig.subscriberRanges} saves it before the
 * first partition exists).
 */
final class PlannedSplitter implements StepExecutionSplitter {

	private final SimpleStepExecutionSplitter delegate;

	private final Partitioner partitioner;

	private final JobRepository jobRepository;

	private final String key;

	/**
	 * @param key a key every planned context holds: a context without it lost its plan
	 */
	PlannedSplitter(JobRepository jobRepository, String workerStep, Partitioner partitioner, String key) {
		this.delegate = new SimpleStepExecutionSplitter(jobRepository, workerStep, partitioner);
		this.partitioner = partitioner;
		this.jobRepository = jobRepository;
		this.key = key;
	}

	@Override
	public String getStepName() {
		return delegate.getStepName();
	}

	@Override
	public Set<StepExecution> split(StepExecution stepExecution, int gridSize) throws JobExecutionException {
		Set<StepExecution> partitions = delegate.split(stepExecution, gridSize);
		Map<String, ExecutionContext> plan = null;
		for (StepExecution partition : partitions) {
			ExecutionContext context = partition.getExecutionContext();
			if (context.containsKey(key)) {
				continue;
			}
			if (plan == null) {
				// the same grid size as the splitter used: a restart keeps the first start's
				plan = partitioner.partition((int) stepExecution.getExecutionContext()
					.getLong(SimpleStepExecutionSplitter.class.getSimpleName() + ".GRID_SIZE", gridSize));
			}
			String name = partition.getStepName().substring(getStepName().length() + 1);
			ExecutionContext planned = plan.get(name);
			if (planned == null) {
				throw new JobExecutionException("partition " + partition.getStepName()
						+ " lost its plan and the partitioner has none for it");
			}
			planned.entrySet().forEach(entry -> context.put(entry.getKey(), entry.getValue()));
			jobRepository.updateExecutionContext(partition);
		}
		return partitions;
	}
}
