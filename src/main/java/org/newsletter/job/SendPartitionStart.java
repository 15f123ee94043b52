package org.newsletter.job;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Starts a send partition's reader at the beginning of its id range on every start, restarts
 * included, rather than after the last chunk it got through: a deferred delivery lies behind
 * that point, and the reader's query leaves out whoever already had the issue, so reading the
 * range again costs one walk over its delivered rows and misses nobody.
 * <p>
 * The reader is started by its own restart state, as if it had read up to just before the
 * range: a first page that continues after an id walks the primary key from there (one bounded
 * by the range's first id instead made HSQLDB read the partition from its start for every page).
 * That is why the framework's own way, {@code saveState(false)} with {@code s.id >= :minId} in
 * the reader's query, is not used; and Batch 6's {@code JdbcPagingItemReader} takes a key to
 * start after only from its restart state (it has no setter for it).
 */
final class SendPartitionStart implements StepExecutionListener {

	/** The first subscriber id of the partition's range, put in its context by the partitioner. */
	static final String MIN_ID = "minId";

	private final String reader;

	private final int pageSize;

	SendPartitionStart(String reader, int pageSize) {
		this.reader = reader;
		this.pageSize = pageSize;
	}

	@Override
	public void beforeStep(StepExecution step) {
		ExecutionContext context = step.getExecutionContext();
		if (!context.containsKey(MIN_ID)) {
			return; // a partition of a run from before this key: it resumes where it got to
		}
		context.put(reader + ".start.after", new LinkedHashMap<>(Map.of("id", context.getLong(MIN_ID) - 1)));
		context.putInt(reader + ".read.count", pageSize);
	}
}
