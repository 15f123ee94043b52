package org.newsletter.subscriber;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Merges a chunk of checked lines into the subscriber list and records what each line did, in
 * the chunk's one transaction. A line whose address an earlier line of the file already
 * brought (in this chunk, an earlier one, or before a crash) is rejected as a duplicate. In a
 * dry run the outcomes are recorded and the list is left alone.
 */
class ImportLineWriter implements ItemWriter<ImportLine> {

	private final SubscriberRepository subscribers;

	private final ImportLineRepository lines;

	private final Clock clock;

	private final long importId;

	private final boolean dryRun;

	private final boolean resubscribe;

	ImportLineWriter(SubscriberRepository subscribers, ImportLineRepository lines, Clock clock, long importId,
			boolean dryRun, boolean resubscribe) {
		this.subscribers = subscribers;
		this.lines = lines;
		this.clock = clock;
		this.importId = importId;
		this.dryRun = dryRun;
		this.resubscribe = resubscribe;
	}

	@Override
	public void write(Chunk<? extends ImportLine> chunk) {
		Set<String> keys = new HashSet<>();
		for (ImportLine item : chunk) {
			if (item instanceof ImportLine.Accepted accepted) {
				keys.add(accepted.key());
			}
		}
		Map<String, Long> earlier = new HashMap<>(lines.linesOf(importId, keys));
		Map<String, SubscriberRepository.Stored> stored = subscribers.findStored(keys);
		List<SubscriberRepository.Merge> merges = new ArrayList<>(chunk.size());
		List<ImportLineRepository.Outcome> outcomes = new ArrayList<>(chunk.size());
		for (ImportLine item : chunk) {
			if (item instanceof ImportLine.Rejected rejected) {
				outcomes.add(rejection(rejected));
				continue;
			}
			var line = (ImportLine.Accepted) item;
			String key = line.key();
			Long first = earlier.get(key);
			if (first != null) {
				outcomes.add(rejection(new ImportLine.Rejected(line.line(), line.email(), "duplicate of line " + first, key)));
				continue;
			}
			try {
				var merge = SubscriberRepository.plan(line, stored.get(key), resubscribe);
				merges.add(merge);
				earlier.put(key, line.line());
				outcomes.add(new ImportLineRepository.Outcome(line.line(), key, key, merge.change().outcome(), null, null));
			}
			catch (IllegalArgumentException ex) {
				outcomes.add(rejection(new ImportLine.Rejected(line.line(), line.email(), ex.getMessage(), key)));
			}
		}
		if (!dryRun) {
			subscribers.apply(merges, clock.instant());
		}
		lines.record(importId, outcomes);
	}

	private static ImportLineRepository.Outcome rejection(ImportLine.Rejected line) {
		return new ImportLineRepository.Outcome(line.line(), null, line.presentKey(),
				line.addressUnread() ? ImportLineRepository.UNREAD : ImportLineRepository.REJECTED, line.value(),
				line.reason());
	}
}
