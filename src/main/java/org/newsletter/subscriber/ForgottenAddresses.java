package org.newsletter.subscriber;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Erasing a person at their request (the GDPR's right to erasure) and the suppression list
 * that remembers them without their address: the {@code forgotten_address} table holds a
 * one-way hash of the address ({@link UnsubscribeLinks#addressHash}), so an import or a
 * {@code subscribers add} of the same address is refused unless the operator says
 * {@code --resubscribe}.
 * <p>
 * Forgetting deletes the subscriber row (name and attributes with it); the person's delivery
 * rows stay, so every issue's counts still add up, but lose the SMTP reply, which often quotes
 * the address; lines of an unfinished import that name the address, and job exit messages that
 * quote it, lose it too. HSQLDB keeps a deleted row's bytes in its data file and its log until
 * the file is rewritten, so {@link #eraseTraces()} rewrites them afterwards.
 */
@Component
public class ForgottenAddresses {

	/** What the import report, {@code subscribers add} and the delivery report say of them. */
	public static final String REASON = "forgotten at the person's request";

	private final JdbcClient jdbc;

	private final UnsubscribeLinks links;

	private final DataSource dataSource;

	ForgottenAddresses(JdbcClient jdbc, UnsubscribeLinks links, DataSource dataSource) {
		this.jdbc = jdbc;
		this.links = links;
		this.dataSource = dataSource;
	}

	/**
	 * What forgetting one address did.
	 *
	 * @param subscriber whether it was on the list (else only its hash was added)
	 * @param deliveries how many delivery rows it had (kept, without the address)
	 */
	public record Forgotten(boolean subscriber, int deliveries) {
	}

	/** Forgets a normalised address in a transaction of its own; call {@link #eraseTraces()} after the last. */
	@Transactional
	public Forgotten forget(String email, Instant now) {
		return forgetInTransaction(EmailAddresses.key(email), now);
	}

	/** Forgets the address with this key in the caller's transaction. */
	Forgotten forgetInTransaction(String key, Instant now) {
		Optional<Map.Entry<Long, Boolean>> row = jdbc.sql("SELECT id, attributes FROM subscriber WHERE email_key = ?")
			.param(key)
			.query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2) != null))
			.optional();
		int deliveries = 0;
		if (row.isPresent()) {
			long id = row.get().getKey();
			if (row.get().getValue()) {
				AttributeNames.markInexact(jdbc);
			}
			deliveries = jdbc.sql("UPDATE delivery SET smtp_reply = NULL WHERE subscriber_id = ?").param(id).update();
			jdbc.sql("DELETE FROM subscriber WHERE id = ?").param(id).update();
		}
		jdbc.sql("""
				DELETE FROM subscriber_import_line WHERE email_key = :key OR present_key = :key OR LOWER(value) = :key""")
			.param("key", key)
			.update();
		scrubExitMessages(key);
		String hash = links.addressHash(key);
		if (jdbc.sql("SELECT COUNT(*) FROM forgotten_address WHERE address_hash = ?").param(hash).query(Integer.class).single() == 0) {
			jdbc.sql("INSERT INTO forgotten_address (address_hash, forgotten_at) VALUES (?, ?)")
				.params(hash, Timestamp.from(now))
				.update();
		}
		return new Forgotten(row.isPresent(), deliveries);
	}

	/** Whether the address with this key was forgotten. */
	public boolean isForgotten(String key) {
		return !among(List.of(key)).isEmpty();
	}

	/** The keys among these whose address was forgotten. */
	Set<String> among(Collection<String> keys) {
		// The list is most often empty: then no key is hashed (hashing every line of an import
		// was 8 % of its time).
		if (keys.isEmpty() || jdbc.sql("SELECT address_hash FROM forgotten_address").withMaxRows(1).query().listOfRows().isEmpty()) {
			return Set.of();
		}
		Map<String, String> byHash = new HashMap<>();
		keys.forEach(key -> byHash.put(links.addressHash(key), key));
		Set<String> found = new HashSet<>();
		jdbc.sql("SELECT address_hash FROM forgotten_address WHERE address_hash IN (:hashes)")
			.param("hashes", byHash.keySet())
			.query((ResultSet rs) -> {
				found.add(byHash.get(rs.getString(1)));
			});
		return found;
	}

	/** Takes the addresses with these keys off the suppression list (they are subscribed again). */
	public void remove(Collection<String> keys) {
		if (!keys.isEmpty()) {
			jdbc.sql("DELETE FROM forgotten_address WHERE address_hash IN (:hashes)")
				.param("hashes", keys.stream().map(links::addressHash).toList())
				.update();
		}
	}

	/** The hash a forget import records for a line, in place of its address. */
	String hash(String key) {
		return links.addressHash(key);
	}

	/**
	 * Rewrites HSQLDB's files, so that no byte of a deleted row is left in the data file or the
	 * log ({@code CHECKPOINT DEFRAG} writes a new data file of the live rows and empties the log).
	 * PostgreSQL reclaims deleted rows with its own {@code VACUUM} (README, Privacy).
	 */
	public void eraseTraces() {
		if (isHsqldb()) {
			jdbc.sql("CHECKPOINT DEFRAG").update();
		}
	}

	private boolean isHsqldb() {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
			return product != null && product.startsWith("HSQL");
		}
		catch (MetaDataAccessException ex) {
			return false;
		}
	}

	/** A failed job or step may quote an address in its exit message: it becomes "(forgotten)". */
	private void scrubExitMessages(String key) {
		Pattern address = Pattern.compile(Pattern.quote(key), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
		for (String table : List.of("BATCH_JOB_EXECUTION", "BATCH_STEP_EXECUTION")) {
			String id = table.substring("BATCH_".length()) + "_ID";
			Map<Long, String> quoting = new HashMap<>();
			jdbc.sql("SELECT " + id + ", EXIT_MESSAGE FROM " + table + " WHERE POSITION(CAST(? AS VARCHAR(320)) IN LOWER(EXIT_MESSAGE)) > 0")
				.param(key)
				.query((ResultSet rs) -> {
					quoting.put(rs.getLong(1), rs.getString(2));
				});
			quoting.forEach((rowId, message) -> jdbc.sql("UPDATE " + table + " SET EXIT_MESSAGE = ? WHERE " + id + " = ?")
				.params(address.matcher(message).replaceAll(Matcher.quoteReplacement("(forgotten)")), rowId)
				.update());
		}
	}
}
