package org.newsletter.config;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.ItemStreamException;

import static org.assertj.core.api.Assertions.assertThat;

/** The one line an operator reads for a failed run. */
class FailuresTests {

	@Test
	void aCompositeFailureNamesTheFailureItCarries() {
		// given: Spring Batch's CompositeItemStream failing to close a delegate
		var delegate = new IllegalStateException("Value for key=[maxId] is not of type: [class java.lang.Long]");
		var composite = new ItemStreamException("Failed to close 1 delegate(s) due to exceptions");
		composite.addSuppressed(delegate);

		// when
		String line = Failures.oneLine(List.of(composite));

		// then
		assertThat(line).isEqualTo("Failed to close 1 delegate(s) due to exceptions: "
				+ "Value for key=[maxId] is not of type: [class java.lang.Long]");
	}

	@Test
	void aFailureOfOurOwnAmongSuppressedOnesIsPreferred() {
		// given
		var composite = new ItemStreamException("Failed to close 1 delegate(s) due to exceptions");
		composite.addSuppressed(new BadInputException("feeds.opml line 3: not a URL"));
		var partitions = new IllegalStateException("Partition handler returned an unsuccessful step");

		// when
		String line = Failures.oneLine(List.of(partitions, composite));

		// then
		assertThat(line).endsWith("feeds.opml line 3: not a URL");
	}

	@Test
	void aFileSystemFailureSaysWhyWhereTheJdkGivesOnlyThePath() {
		// given: the JDK's message of an AccessDeniedException is the bare path
		var denied = new UncheckedIOException(new AccessDeniedException("/srv/backups"));

		// when / then
		assertThat(Failures.oneLine(denied)).isEqualTo("/srv/backups: permission denied");
		assertThat(Failures.oneLine(new FileSystemException("/srv/a", "/srv/b", "Read-only file system")))
			.isEqualTo("/srv/a (to /srv/b): Read-only file system");
	}
}
