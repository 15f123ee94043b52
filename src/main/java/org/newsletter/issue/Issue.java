package org.newsletter.issue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.time.Instant;

/**
 * One issue of the newsletter: the entries of one window, rendered once. The bodies hold
 * placeholders for the few personal parts, filled per subscriber when a message is built.
 *
 * @param id the issue's id
 * @param jobInstanceId the weekly-digest job instance that composed it (one issue per instance)
 * @param cutoff the end of its window
 * @param windowStart the exclusive start of its window
 * @param dryRun composed by a dry run: never counts as sent
 * @param status {@code COMPOSED} until every subscriber has had it, then {@code SENT}
 * @param subject the subject line, plain text on one line
 * @param personalToken a random token that makes the placeholders unguessable by feed authors
 * @param bodyHtml the HTML body with placeholders
 * @param bodyText the plain-text body with placeholders
 * @param entryCount how many entries it carries
 * @param sourceCount from how many sources
 */
public record Issue(long id, long jobInstanceId, Instant cutoff, Instant windowStart, boolean dryRun, String status,
		String subject, String personalToken, String bodyHtml, String bodyText, int entryCount, int sourceCount) {

	/** The personal parts of a message, in the bodies as {@link #placeholder(String, Personal)}. */
	public enum Personal {

		/** The greeting line, e.g. "Hello Ada,". */
		GREETING,

		/** The subscriber's one-click unsubscribe link. */
		UNSUBSCRIBE_URL,

		/** The subscriber's name, empty when unknown. */
		NAME
	}

	/** The values of one message's personal parts. */
	public record Personalisation(Map<Personal, String> parts, Map<String, String> attributes) {
	}

	/** The greeting of a subscriber without a name, and of a reader who is nobody in particular. */
	public static final String GREETING_WITHOUT_NAME = "Hello,";

	/**
	 * The personal parts as a reader who is nobody in particular gets them (the archive, its
	 * feed, preview's summary): no name, the greeting without one, no attributes.
	 */
	public static Personalisation general(String unsubscribeUrl) {
		return new Personalisation(Map.of(Personal.GREETING, GREETING_WITHOUT_NAME, Personal.UNSUBSCRIBE_URL,
				unsubscribeUrl, Personal.NAME, ""), Map.of());
	}

	/** The text standing for {@code part} in the bodies until a message is built. */
	static String placeholder(String token, Personal part) {
		return "%%" + token + "." + part.name() + "%%";
	}

	/** The text standing for the subscriber attribute (CSV column) {@code name} until a message is built. */
	static String attributePlaceholder(String token, String name) {
		return "%%" + token + ".attr." + name + "%%";
	}

	/**
	 * The template model of the personal parts: {@code greeting}, {@code unsubscribeUrl},
	 * {@code name} and {@code attributes.<column>} stand for their placeholders.
	 */
	static Map<String, Object> personalModel(String token) {
		Map<String, Object> model = new HashMap<>();
		model.put("greeting", placeholder(token, Personal.GREETING));
		model.put("unsubscribeUrl", placeholder(token, Personal.UNSUBSCRIBE_URL));
		model.put("name", placeholder(token, Personal.NAME));
		model.put("attributes", new AbstractMap<String, String>() {

			@Override
			public String get(Object key) {
				return attributePlaceholder(token, String.valueOf(key));
			}

			@Override
			public boolean containsKey(Object key) {
				return true;
			}

			@Override
			public Set<Entry<String, String>> entrySet() {
				return Set.of();
			}
		});
		return model;
	}

	/**
	 * A stretch of a body: fixed text, or the placeholder of a personal part or of a subscriber
	 * attribute.
	 *
	 * @param text the fixed text, {@code null} for a placeholder
	 * @param part the personal part, for a placeholder of one
	 * @param attribute the attribute's name, for a placeholder of one
	 */
	public record Piece(String text, Personal part, String attribute) {

		public boolean fixed() {
			return text != null;
		}

		/** This placeholder's value for one message; an unknown attribute is empty. */
		public String valueIn(Personalisation values) {
			return attribute != null ? values.attributes().getOrDefault(attribute, "")
					: values.parts().getOrDefault(part, "");
		}
	}

	/** {@code body} (one of this issue's bodies) cut into fixed text and placeholders, in order. */
	public List<Piece> pieces(String body) {
		return pieces(body, personalToken);
	}

	/**
	 * The subject line cut into fixed text and placeholders. The renderer cuts a long subject,
	 * possibly through a placeholder: the remains of one (and of any placeholder that is not
	 * one of ours) go, so that no {@code %%} ever reaches a reader.
	 */
	public List<Piece> subjectPieces() {
		return subjectPieces(subject, personalToken);
	}

	/**
	 * The subject line as a reader who is nobody in particular sees it, for the public and
	 * operator-facing places that show it (the archive's index and feed, preview): the personal
	 * parts filled as {@link #general} fills them, on one line.
	 */
	public String generalSubject() {
		return generalSubject(subject, personalToken);
	}

	/** {@link #generalSubject()} of a stored subject line and the placeholders' token. */
	public static String generalSubject(String subject, String personalToken) {
		var values = general("");
		StringBuilder out = new StringBuilder(subject.length());
		for (Piece piece : subjectPieces(subject, personalToken)) {
			out.append(piece.fixed() ? piece.text() : piece.valueIn(values));
		}
		return out.toString().replaceAll("\\s+", " ").strip();
	}

	private static List<Piece> subjectPieces(String subject, String token) {
		String start = Pattern.quote("%%" + token + ".");
		Pattern strays = Pattern.compile(start + ".*?%%");
		Pattern cut = Pattern.compile("\\s*" + start + ".*$");
		List<Piece> pieces = new ArrayList<>();
		for (Piece piece : pieces(subject, token)) {
			if (piece.fixed()) {
				String text = strays.matcher(piece.text()).replaceAll("");
				Matcher remains = cut.matcher(text);
				piece = new Piece(remains.find() ? text.substring(0, remains.start()) + "…" : text, null, null);
			}
			pieces.add(piece);
		}
		return List.copyOf(pieces);
	}

	private static List<Piece> pieces(String body, String personalToken) {
		Matcher matcher = Pattern.compile("%%" + Pattern.quote(personalToken) + "\\.(attr\\.([^%]{1,200})|[A-Z_]+)%%")
			.matcher(body);
		List<Piece> pieces = new ArrayList<>();
		int at = 0;
		while (matcher.find()) {
			if (matcher.start() > at) {
				pieces.add(new Piece(body.substring(at, matcher.start()), null, null));
			}
			pieces.add(matcher.group(2) != null ? new Piece(null, null, matcher.group(2))
					: new Piece(null, Personal.valueOf(matcher.group(1)), null));
			at = matcher.end();
		}
		if (at < body.length()) {
			pieces.add(new Piece(body.substring(at), null, null));
		}
		return pieces;
	}

	/**
	 * {@code body} with every placeholder replaced by its value through {@code escape} (HTML
	 * escaping for the HTML body).
	 */
	public String personalise(String body, Personalisation values, UnaryOperator<String> escape) {
		StringBuilder out = new StringBuilder(body.length() + 256);
		for (Piece piece : pieces(body)) {
			out.append(piece.fixed() ? piece.text() : escape.apply(piece.valueIn(values)));
		}
		return out.toString();
	}
}
