package org.newsletter.subscriber;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SpreadsheetCellsTests {

	@ParameterizedTest
	@ValueSource(strings = { "=1+2", "+pro", "-5", "@SUM(A1)", "\tx", "\rx", "'=quoted", "''-two", "plain", "'plain",
			"", "'", "a=b" })
	void readingUndoesExactlyWhatWritingDid(String cell) {
		assertThat(SpreadsheetCells.restore(SpreadsheetCells.neutralise(cell))).isEqualTo(cell);
	}

	@ParameterizedTest
	@ValueSource(strings = { "=HYPERLINK(\"https://evil.example\")", "+1", "-1", "@x", "\t=1", "'=1" })
	void noWrittenCellStartsAFormula(String cell) {
		assertThat(SpreadsheetCells.neutralise(cell)).startsWith("'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Ada", "a=b", "'plain", "" })
	void harmlessCellsAreWrittenAsTheyAre(String cell) {
		assertThat(SpreadsheetCells.neutralise(cell)).isEqualTo(cell);
	}
}
