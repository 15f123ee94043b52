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
 * <p>
 * An address that was forgotten at the person's request is refused unless {@code --resubscribe}
 * (which takes it off the suppression list). With {@code --forget} every good line's address is
 * forgotten instead ({@link ForgottenAddresses}); the line's record then holds the address's
 * hash, not the address.
 */
class ImportLineWriter implements ItemWriter<ImportLine> {

	private final SubscriberRepository subscribers;

	private final ImportLineRepository lines;

	private final Clock clock;

	private final long importId;

	private final boolean dryRun;

	private final boolean resubscribe;

	private final ForgottenAddresses forgotten;

	private final boolean forget;

	ImportLineWriter(SubscriberRepository subscribers, ImportLineRepository lines, Clock clock, long importId,
			boolean dryRun, boolean resubscribe, ForgottenAddresses forgotten, boolean forget) {
		this.forgotten = forgotten;
		this.forget = forget;
		this.subscribers = subscribers;
		this.lines = lines;
		this.clock = clock;
		this.importId = importId;
		this.dryRun = dryRun;
		this.resubscribe = resubscribe;
	}

	@Override
	public void write(Chunk<? extends ImportLine> chunk) {
		if (forget) {
			forget(chunk);
			return;
		}
		Set<String> keys = new HashSet<>();
		for (ImportLine item : chunk) {
			if (item instanceof ImportLine.Accepted accepted) {
				keys.add(accepted.key());
			}
		}
		Map<String, Long> earlier = new HashMap<>(lines.linesOf(importId, keys));
		Map<String, SubscriberRepository.Stored> stored = subscribers.findStored(keys);
		Set<String> suppressed = forgotten.among(keys);
		List<String> resubscribed = new ArrayList<>();
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
			if (suppressed.contains(key) && !resubscribe) {
				outcomes.add(rejection(new ImportLine.Rejected(line.line(), line.email(), ForgottenAddresses.REASON
						+ " (--resubscribe adds them again)", key)));
				continue;
			}
			if (suppressed.contains(key)) {
				resubscribed.add(key);
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
			forgotten.remove(resubscribed);
		}
		lines.record(importId, outcomes);
	}

	/** {@code --forget}: each good line's address is forgotten, whether or not it is on the list. */
	private void forget(Chunk<? extends ImportLine> chunk) {
		Map<String, String> hashes = new HashMap<>();
		for (ImportLine item : chunk) {
			if (item instanceof ImportLine.Accepted accepted) {
				hashes.put(accepted.key(), forgotten.hash(accepted.key()));
			}
		}
		Map<String, Long> earlier = new HashMap<>(lines.linesOf(importId, hashes.values()));
		List<ImportLineRepository.Outcome> outcomes = new ArrayList<>(chunk.size());
		for (ImportLine item : chunk) {
			if (item instanceof ImportLine.Rejected rejected) {
				outcomes.add(rejection(rejected));
				continue;
			}
			var line = (ImportLine.Accepted) item;
			String hash = hashes.get(line.key());
			Long first = earlier.get(hash);
			if (first != null) {
				outcomes.add(rejection(new ImportLine.Rejected(line.line(), line.email(), "duplicate of line " + first, null)));
				continue;
			}
			if (!dryRun) {
				forgotten.forgetInTransaction(line.key(), clock.instant());
			}
			earlier.put(hash, line.line());
			outcomes.add(new ImportLineRepository.Outcome(line.line(), hash, null, ImportLineRepository.FORGOTTEN, null, null));
		}
		lines.record(importId, outcomes);
	}

	private static ImportLineRepository.Outcome rejection(ImportLine.Rejected line) {
		return new ImportLineRepository.Outcome(line.line(), null, line.presentKey(),
				line.addressUnread() ? ImportLineRepository.UNREAD : ImportLineRepository.REJECTED, line.value(),
				line.reason());
	}
}
