package org.newsletter;

/**
 * What a test needs from the machine beyond the JDK: Chromium and ChromeDriver for the browser
 * test; for the PostgreSQL test, when run as root, user namespaces. Without them the test is skipped,
 * naming what to install, so {@code ./mvnw -B verify} passes with a JDK alone; with
 * {@value #REQUIRE_ALL}=1, which {@code .ci/run} sets once it has installed them, a missing
 * one fails the test instead, so CI never skips one silently.
 */
public final class MachineTools {

	/** The environment variable that turns a missing tool from a skipped test into a failed one. */
	public static final String REQUIRE_ALL = "NEWSLETTER_TESTS_REQUIRE_ALL";

	private MachineTools() {
	}

	/**
	 * Called once a test class knows a tool is missing ({@code @BeforeAll}): fails the class under
	 * {@value #REQUIRE_ALL}=1; otherwise says on standard error that its tests are skipped, and
	 * why, and returns {@code missing} for each test to skip itself with
	 * ({@code assumeTrue(missing == null, missing)} in {@code @BeforeEach}, so the build counts
	 * them as skipped).
	 *
	 * @param missing what is missing and how to install it
	 */
	public static String missing(Class<?> test, String missing) {
		if ("1".equals(System.getenv(REQUIRE_ALL))) {
			throw new AssertionError(missing + " (" + REQUIRE_ALL + "=1: every test must run)");
		}
		System.err.println(test.getSimpleName() + " skipped: " + missing + " (" + REQUIRE_ALL + "=1 fails it instead)");
		return missing;
	}
}
