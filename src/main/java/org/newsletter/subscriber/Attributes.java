package org.newsletter.subscriber;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * A subscriber's extra CSV columns (company, city, …), stored as one JSON object with its
 * keys sorted so that the same attributes are always the same text.
 */
final class Attributes {

	static final int MAX_JSON = 8000;

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
	};

	/** The type resolved once: resolving it at each call was a third of decoding a row's attributes (JFR, export). */
	private static final ObjectReader READER = JSON.readerFor(MAP);

	private Attributes() {
	}

	static SortedMap<String, String> decode(String json) {
		if (json == null || json.isEmpty()) {
			return new TreeMap<>();
		}
		try {
			return READER.readValue(json);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("stored attributes are not a JSON object: " + ex.getOriginalMessage(), ex);
		}
	}

	/** {@code stored} with each cell applied: a value sets its attribute, an empty cell removes it. */
	static String merge(String stored, Map<String, String> cells) {
		return merge(decode(stored), cells);
	}

	/** The same, on decoded attributes, which it changes. */
	static String merge(SortedMap<String, String> attributes, Map<String, String> cells) {
		cells.forEach((key, value) -> {
			if (value == null || value.isBlank()) {
				attributes.remove(key);
			}
			else {
				attributes.put(key, value.strip());
			}
		});
		return encode(attributes);
	}

	/** Whether applying {@code cells} takes away one of these attributes (an empty cell for it). */
	static boolean removesOne(SortedMap<String, String> attributes, Map<String, String> cells) {
		return cells.entrySet()
			.stream()
			.anyMatch(cell -> (cell.getValue() == null || cell.getValue().isBlank()) && attributes.containsKey(cell.getKey()));
	}

	/** The names that applying {@code cells} gives a value to. */
	static java.util.stream.Stream<String> given(Map<String, String> cells) {
		return cells.entrySet().stream().filter(cell -> cell.getValue() != null && !cell.getValue().isBlank()).map(Map.Entry::getKey);
	}

	static String encode(SortedMap<String, String> attributes) {
		if (attributes.isEmpty()) {
			return null;
		}
		try {
			return JSON.writeValueAsString(attributes);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
