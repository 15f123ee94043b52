package org.newsletter.subscriber;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamWriter;

/**
 * Merges a chunk of checked lines into the subscriber list and records what each line did, in
 * the chunk's one transaction. A line whose address an earlier line of the file already
 * brought (in this chunk, an earlier one, or before a crash) is rejected as a duplicate.
 * <p>
 * A merged subscriber carries the import's id and the line's number ({@link SubscriberRepository#apply}):
 * the subscriber row read for the merge tells a duplicate, and a merged line is counted in the
 * step's context (committed with the chunk) rather than written as a row of its own. Rejected
 * lines are recorded in {@code subscriber_import_line} for the report. In a dry run the list is
 * left alone and every line's outcome is recorded there instead.
 * <p>
 * An address that was forgotten at the person's request is refused unless {@code --resubscribe}
 * (which takes it off the suppression list). With {@code --forget} every good line's address is
 * forgotten instead ({@link ForgottenAddresses}); the line's record then holds the address's
 * hash, not the address.
 */
class ImportLineWriter implements ItemStreamWriter<ImportLine> {

	/** The step context's counts of the merged lines not recorded in {@code subscriber_import_line}, by outcome. */
	static final List<String> MERGED = List.of("added", "updated", "unchanged");

	private final Map<String, Long> merged = new HashMap<>();

	private final SubscriberRepository subscribers;

	private final ImportLineRepository lines;

	private final Clock clock;

	private final long importId;

	private final boolean dryRun;

	private final boolean resubscribe;

	private final ForgottenAddresses forgotten;

	private final boolean forget;

	private final AttributeNames attributeNames;

	ImportLineWriter(SubscriberRepository subscribers, ImportLineRepository lines, Clock clock, long importId,
			boolean dryRun, boolean resubscribe, ForgottenAddresses forgotten, boolean forget,
			AttributeNames attributeNames) {
		this.attributeNames = attributeNames;
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
		Map<String, SubscriberRepository.Stored> stored = subscribers.findStored(keys);
		Map<String, Long> earlier = new HashMap<>();
		stored.forEach((key, subscriber) -> {
			if (subscriber.importId() == importId) {
				earlier.put(key, subscriber.importLine());
			}
		});
		if (dryRun) {
			earlier.putAll(lines.linesOf(importId, keys));
		}
		Set<String> suppressed = forgotten.among(keys);
		Set<String> namesGiven = new TreeSet<>();
		boolean nameRemoved = false;
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
				if (merge.change() != SubscriberRepository.Change.UNCHANGED) {
					Attributes.given(line.attributes()).forEach(namesGiven::add);
					nameRemoved |= merge.removesName();
				}
				earlier.put(key, line.line());
				if (dryRun) {
					outcomes.add(new ImportLineRepository.Outcome(line.line(), key, key, merge.change().outcome(), null, null));
				}
			}
			catch (IllegalArgumentException ex) {
				outcomes.add(rejection(new ImportLine.Rejected(line.line(), line.email(), ex.getMessage(), key)));
			}
		}
		if (!dryRun) {
			subscribers.apply(merges, clock.instant(), importId);
			attributeNames.held(namesGiven);
			if (nameRemoved) {
				attributeNames.markInexact();
			}
			forgotten.remove(resubscribed);
		}
		lines.record(importId, outcomes);
		if (!dryRun) {
			merges.forEach(merge -> merged.merge(merge.change().outcome(), 1L, Long::sum));
		}
	}

	@Override
	public void open(ExecutionContext context) {
		MERGED.forEach(outcome -> merged.put(outcome, context.getLong(outcome, 0)));
	}

	/** Called in the chunk's transaction after {@link #write}: the counts commit with the lines. */
	@Override
	public void update(ExecutionContext context) {
		merged.forEach(context::putLong);
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
