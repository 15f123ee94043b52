package org.newsletter.issue;

import java.io.Reader;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code issue} and {@code issue_entry} tables. */
@Repository
public class IssueRepository {

	private static final String COLUMNS = """
			id, job_instance_id, cutoff, window_start, dry_run, status, subject, personal_token, body_html, body_text,
			entry_count, source_count""";

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	public IssueRepository(JdbcClient jdbc, JdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	public Optional<Issue> findByJobInstance(long jobInstanceId) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM issue WHERE job_instance_id = ?")
			.param(jobInstanceId)
			.query(Issue.class)
			.optional();
	}

	/** An issue without its bodies: what summaries and listings show. */
	public record Outline(long id, int entryCount, int sourceCount) {
	}

	/** The outline of the issue of {@code jobInstanceId}, its bodies left unread. */
	public Optional<Outline> findOutlineByJobInstance(long jobInstanceId) {
		return jdbc.sql("SELECT id, entry_count, source_count FROM issue WHERE job_instance_id = ?")
			.param(jobInstanceId)
			.query(Outline.class)
			.optional();
	}

	public Optional<Issue> find(long id) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM issue WHERE id = ?").param(id).query(Issue.class).optional();
	}

	/** The issue with the newest cutoff that is not a dry run, sent or not. */
	public Optional<Issue> findLatest() {
		return jdbc.sql("SELECT " + COLUMNS + " FROM issue WHERE dry_run = FALSE ORDER BY cutoff DESC, id DESC")
			.withMaxRows(1)
			.query(Issue.class)
			.optional();
	}

	/**
	 * A sent issue as the archive lists it.
	 *
	 * @param subject its subject line as stored, with placeholders for the personal parts
	 * @param personalToken the token of its placeholders
	 */
	public record SentIssue(long id, Instant cutoff, String subject, String personalToken, int entryCount,
			int sourceCount, Instant sentAt) {

		/** The archive's title for it: the subject as a reader who is nobody in particular sees it. */
		public String title() {
			return Issue.generalSubject(subject, personalToken);
		}
	}

	/**
	 * The number of the issue with {@code cutoff}: one more than the sent issues (dry runs aside)
	 * before it, so a dry run or a failed send takes no number from the next issue.
	 */
	public int number(Instant cutoff) {
		return 1 + jdbc.sql("SELECT COUNT(*) FROM issue WHERE status = 'SENT' AND dry_run = FALSE AND cutoff < ?")
			.param(Timestamp.from(cutoff))
			.query(Integer.class)
			.single();
	}

	/** Every sent issue (a dry run's never is), newest cutoff first. */
	public List<SentIssue> findSent() {
		return jdbc.sql("""
				SELECT id, cutoff, subject, personal_token, entry_count, source_count, sent_at FROM issue
				WHERE status = 'SENT' AND dry_run = FALSE ORDER BY cutoff DESC, id DESC""")
			.query(SentIssue.class)
			.list();
	}

	/** Stores a newly composed issue with its entries and returns it with its id. */
	public Issue create(Issue issue, List<Long> entryIds, Instant now) {
		jdbc.sql("""
				INSERT INTO issue (job_instance_id, cutoff, window_start, dry_run, status, subject, personal_token,
				body_html, body_text, entry_count, source_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(issue.jobInstanceId(), Timestamp.from(issue.cutoff()), Timestamp.from(issue.windowStart()),
					issue.dryRun(), issue.status(), issue.subject(), issue.personalToken(), clob(issue.bodyHtml()),
					clob(issue.bodyText()), issue.entryCount(), issue.sourceCount(), Timestamp.from(now))
			.update();
		long id = jdbc.sql("SELECT id FROM issue WHERE job_instance_id = ?")
			.param(issue.jobInstanceId())
			.query(Long.class)
			.single();
		batch.batchUpdate("INSERT INTO issue_entry (issue_id, entry_id) VALUES (?, ?)",
				entryIds.stream().map(entryId -> new Object[] { id, entryId }).toList());
		return new Issue(id, issue.jobInstanceId(), issue.cutoff(), issue.windowStart(), issue.dryRun(), issue.status(),
				issue.subject(), issue.personalToken(), issue.bodyHtml(), issue.bodyText(), issue.entryCount(),
				issue.sourceCount());
	}

	/** Marks the issue sent: its entries are never eligible again and its cutoff starts the next window. */
	public void markSent(long issueId, Instant at) {
		jdbc.sql("UPDATE issue SET status = 'SENT', sent_at = ? WHERE id = ? AND status <> 'SENT'")
			.params(Timestamp.from(at), issueId)
			.update();
	}

	/**
	 * A body bound as a character stream that takes no lock per character: HSQLDB copies a
	 * CLOB parameter one {@code read()} at a time, and a {@link java.io.StringReader} locks for
	 * each, which made storing a big issue's bodies the slowest part of composing it.
	 */
	private static SqlTypeValue clob(String body) {
		Reader reader = new Reader() {

			private int position;

			@Override
			public int read() {
				return position < body.length() ? body.charAt(position++) : -1;
			}

			@Override
			public int read(char[] buffer, int offset, int length) {
				if (position >= body.length()) {
					return -1;
				}
				int count = Math.min(length, body.length() - position);
				body.getChars(position, position + count, buffer, offset);
				position += count;
				return count;
			}

			@Override
			public void close() {
			}
		};
		// the int-length overload: PostgreSQL's driver has no other
		return (statement, index, sqlType, typeName) -> statement.setCharacterStream(index, reader, body.length());
	}
}
