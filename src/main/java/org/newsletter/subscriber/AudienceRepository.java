package org.newsletter.subscriber;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The list's size by status, now and as each issue went out (the {@code audience} table,
 * written when an issue is marked sent): the operator page's history of the list.
 */
@Repository
public class AudienceRepository {

	private final JdbcClient jdbc;

	AudienceRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * How many subscribers are in each status.
	 *
	 * @param byStatus a count for each of {@link Subscriber#STATUSES}, in that order (0 when none)
	 */
	public record Audience(Map<String, Integer> byStatus) {

		public int of(String status) {
			return byStatus.getOrDefault(status, 0);
		}
	}

	/** Records the list as it is now as issue {@code issueId}'s audience (again, if it was recorded before). */
	public void record(long issueId) {
		jdbc.sql("DELETE FROM audience WHERE issue_id = ?").param(issueId).update();
		jdbc.sql("INSERT INTO audience (issue_id, status, subscribers) SELECT ?, status, COUNT(*) FROM subscriber GROUP BY status")
			.param(issueId)
			.update();
	}

	/** The list as it is now. */
	public Audience now() {
		Map<String, Integer> counts = new HashMap<>();
		jdbc.sql("SELECT status, COUNT(*) AS subscribers FROM subscriber GROUP BY status")
			.query(rs -> {
				counts.put(rs.getString("status"), rs.getInt("subscribers"));
			});
		return audience(counts);
	}

	/** The recorded audience of each of {@code issueIds} that has one. */
	public Map<Long, Audience> of(Collection<Long> issueIds) {
		if (issueIds.isEmpty()) {
			return Map.of();
		}
		Map<Long, Map<String, Integer>> rows = new HashMap<>();
		jdbc.sql("SELECT issue_id, status, subscribers FROM audience WHERE issue_id IN (:ids)")
			.param("ids", List.copyOf(issueIds))
			.query(rs -> {
				rows.computeIfAbsent(rs.getLong("issue_id"), id -> new HashMap<>())
					.put(rs.getString("status"), rs.getInt("subscribers"));
			});
		Map<Long, Audience> audiences = new HashMap<>();
		rows.forEach((id, counts) -> audiences.put(id, audience(counts)));
		return audiences;
	}

	private static Audience audience(Map<String, Integer> counts) {
		Map<String, Integer> ordered = new LinkedHashMap<>();
		Subscriber.STATUSES.forEach(status -> ordered.put(status, counts.getOrDefault(status, 0)));
		// a status this program does not know (yet) is still counted, after the known ones
		counts.forEach(ordered::putIfAbsent);
		return new Audience(ordered);
	}
}
