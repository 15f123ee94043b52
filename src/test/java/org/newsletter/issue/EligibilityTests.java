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

	@Test
	void windowIsOpenAtItsStartAndClosedAtItsEnd() {
		var window = Eligibility.window(Instant.parse("2026-03-21T00:00:00Z"), Optional.empty(), LATENESS, LOOKBACK);
		var start = Instant.parse("2026-03-14T00:00:00Z");

		assertThat(window.contains(start)).isFalse();
		assertThat(window.contains(start.plusNanos(1))).isTrue();
		assertThat(window.contains(Instant.parse("2026-03-18T12:00:00Z"))).isTrue();
		assertThat(window.contains(window.end())).isTrue();
		assertThat(window.contains(window.end().plusNanos(1))).isFalse();
		assertThat(window.contains(start.minusSeconds(1))).isFalse();
	}
}
