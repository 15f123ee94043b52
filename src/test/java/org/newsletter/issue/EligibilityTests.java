package org.newsletter.issue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EligibilityTests {

	private static final Instant CUTOFF = Instant.parse("2026-03-24T08:00:00Z");

	private static final Duration LATENESS = Duration.ofDays(3);

	private static final Duration LOOKBACK = Duration.ofDays(7);

	@Test
	void firstRunStartsTheLookbackBeforeTheCutoff() {
		var window = Eligibility.window(CUTOFF, Optional.empty(), LATENESS, LOOKBACK);

		assertThat(window.start()).isEqualTo(Instant.parse("2026-03-17T08:00:00Z"));
		assertThat(window.end()).isEqualTo(CUTOFF);
	}

	@Test
	void laterRunStartsTheLatenessBeforeThePreviousCutoff() {
		var previous = Instant.parse("2026-03-21T00:00:00Z");

		var window = Eligibility.window(CUTOFF, Optional.of(previous), LATENESS, LOOKBACK);

		assertThat(window.start()).isEqualTo(Instant.parse("2026-03-18T00:00:00Z"));
		assertThat(window.end()).isEqualTo(CUTOFF);
	}
}
