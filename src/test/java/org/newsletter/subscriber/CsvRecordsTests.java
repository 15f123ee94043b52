package org.newsletter.subscriber;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRecordsTests {

	@Test
	void splitsRfc4180RecordsWithTheLineEachStartsOn() throws IOException {
		assertThat(records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",z\nlast,\n"))
			.containsExactly(new CsvRecords.Record(1, List.of("a", "b")),
					new CsvRecords.Record(2, List.of("x, y", "say \"hi\"")),
					new CsvRecords.Record(4, List.of("two\nlines", "z")), new CsvRecords.Record(6, List.of("last", "")));
	}

	@Test
	void aQuoteInsideAnUnquotedFieldIsLiteralAndTheFieldRunsToTheEndOfTheLine() throws IOException {
		assertThat(records("c@example.org,=HYPERLINK(\"https://x.example\",\"click\")\nd@example.org,D\n"))
			.containsExactly(new CsvRecords.Record(1, List.of("c@example.org", "=HYPERLINK(\"https://x.example\",\"click\")")),
					new CsvRecords.Record(2, List.of("d@example.org", "D")));
	}

	@Test
	void textAfterAClosingQuoteBelongsToTheField() throws IOException {
		assertThat(records("\"Bob\" Smith,x\n")).containsExactly(new CsvRecords.Record(1, List.of("Bob Smith", "x")));
	}

	@Test
	void aQuoteThatNeverClosesIsReportedAtTheLineItOpens() {
		assertThatThrownBy(() -> records("a,b\nok,1\n\"open,2\nmore\n"))
			.isInstanceOfSatisfying(CsvRecords.UnterminatedQuoteException.class, ex -> assertThat(ex.line()).isEqualTo(3));
	}

	@Test
	void bytesThatAreNotTextSpoilOnlyTheirFieldAndTheRecordsAfterAreRead() throws IOException {
		byte[] text = "a,b\nx\u00FF,\"y\n\u00FFz\"\nlast,\n".getBytes(StandardCharsets.ISO_8859_1);
		List<CsvRecords.Record> all = new ArrayList<>();
		try (var records = new CsvRecords(new DecodedText(new ByteArrayInputStream(text), StandardCharsets.UTF_8))) {
			for (var record = records.next(); record != null; record = records.next()) {
				all.add(record);
			}
		}
		assertThat(all).containsExactly(new CsvRecords.Record(1, List.of("a", "b")),
				new CsvRecords.Record(2, List.of("x\uFFFD", "y\n\uFFFDz"), Set.of(0, 1)),
				new CsvRecords.Record(4, List.of("last", "")));
	}

	@Test
	void blankLinesAreSkippedAndALoneCarriageReturnEndsALine() throws IOException {
		assertThat(records("  \n\na\rb\n")).containsExactly(new CsvRecords.Record(3, List.of("a")),
				new CsvRecords.Record(4, List.of("b")));
	}

	private static List<CsvRecords.Record> records(String text) throws IOException {
		List<CsvRecords.Record> all = new ArrayList<>();
		try (var records = new CsvRecords(
				new DecodedText(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))) {
			for (var record = records.next(); record != null; record = records.next()) {
				all.add(record);
			}
		}
		return all;
	}
}
