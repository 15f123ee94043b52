package org.newsletter.issue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IssueTests {

	private static final String TOKEN = "0a1b";

	@Test
	void theGeneralSubjectFillsThePersonalPartsAsForAReaderWithoutNameOrColumns() {
		Issue issue = issue("%%0a1b.GREETING%%  %%0a1b.attr.company%% Planet Python Weekly%%0a1b.NAME%%: 24 new posts");

		assertThat(issue.generalSubject()).isEqualTo("Hello, Planet Python Weekly: 24 new posts");
	}

	@Test
	void theGeneralSubjectOfASubjectCutThroughAPlaceholderLosesItsRemains() {
		Issue issue = issue("Planet Python Weekly for %%0a1b.attr.company%% and %%0a1b.attr.comp…");

		assertThat(issue.generalSubject()).isEqualTo("Planet Python Weekly for and…").doesNotContain("%%");
	}

	@Test
	void anAttributePlaceholderThePiecesCannotReadNeverReachesAReader() {
		// ${personal.attributes["50% off"]}: a column name with a per cent sign
		Issue issue = issue("Weekly %%0a1b.attr.50% off%% news");

		assertThat(issue.generalSubject()).isEqualTo("Weekly news");
		assertThat(issue.subjectPieces()).allSatisfy(piece ->
				assertThat(piece.fixed() ? piece.text() : "").doesNotContain("%%"));
	}

	@Test
	void aSubjectWithoutPersonalPartsIsShownAsItIs() {
		assertThat(issue("Planet Python Weekly: 1 new post, 20–27 March").generalSubject())
			.isEqualTo("Planet Python Weekly: 1 new post, 20–27 March");
	}

	private static Issue issue(String subject) {
		Instant cutoff = Instant.parse("2026-03-21T00:00:00Z");
		return new Issue(1, 1, cutoff, cutoff.minusSeconds(604800), false, "SENT", subject, TOKEN, "", "", 1, 1);
	}
}
