package org.newsletter.feed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.rometools.rome.io.impl.DateParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Dates rewritten for Rome's first mask mean what they meant. */
class FeedDatesTests {

	private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	private static final Pattern DATE_ELEMENT = Pattern.compile(
			"<(?:[\\w-]+:)?(pubDate|lastBuildDate|date|published|updated|issued|modified|created)(?:\\s[^>]*)?>([^<]{1,80})</");

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"Tue, 24 Mar 2026 08:00:00 +0000 | 2026-03-24T08:00:00Z",
			"Tue, 24 Mar 2026 08:00:00 GMT   | 2026-03-24T08:00:00Z",
			"24 Mar 2026 09:30 +0100         | 2026-03-24T08:30:00Z",
			"2026-03-24T08:00:00Z            | 2026-03-24T08:00:00Z",
			"2026-03-24T10:00:00.250+02:00   | 2026-03-24T08:00:00.250Z",
			" 2026-03-24T08:00:00-05:00      | 2026-03-24T13:00:00Z" })
	void wellFormedDatesAreRead(String text, Instant expected) {
		assertThat(FeedDates.read(text)).contains(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "Tue, 24 Mar 26 08:00:00 GMT", "Tue, 24 Mar 2026 08:00:00 EST", "2026-03-24",
			"2026-03-24T08:00:00", "Wed, 24 Mar 2026 08:00:00 GMT", "yesterday", "Tue, 31 Feb 2026 08:00:00 GMT",
			"0099-03-24T08:00:00Z" })
	void anythingElseIsLeftToRome(String text) {
		assertThat(FeedDates.read(text)).isEmpty();
	}

	/**
	 * Every date of the fixture feeds (Planet, hostile, feedparser's corpus) that is rewritten
	 * reads, through Rome, as the instant Rome reads from the original.
	 */
	@Test
	void rewrittenDatesReadThroughRomeAsTheOriginalsDo() throws IOException {
		List<String> dates = new ArrayList<>();
		try (Stream<Path> files = Files.walk(FIXTURES)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
				Matcher date = DATE_ELEMENT.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
				while (date.find()) {
					dates.add(date.group(2));
				}
			}
		}
		int rewritten = 0;
		for (String text : dates) {
			var instant = FeedDates.read(text);
			if (instant.isEmpty()) {
				continue;
			}
			rewritten++;
			var document = new org.jdom2.Document(new org.jdom2.Element("rss").addContent(new org.jdom2.Element("pubDate").setText(text)));
			FeedDates.canonicalize(document);
			Date canonical = DateParser.parseDate(document.getRootElement().getChildText("pubDate"), Locale.US);
			assertThat(canonical.toInstant()).as(text).isEqualTo(instant.get());
			Date original = DateParser.parseDate(text, Locale.US);
			if (original != null && instant.get().getNano() % 1_000_000 == 0) {
				assertThat(original.toInstant()).as(text).isEqualTo(instant.get());
			}
		}
		assertThat(rewritten).as("dates rewritten of %s found", dates.size()).isGreaterThan(100);
	}
}
