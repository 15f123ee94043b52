package org.newsletter.cli;

/** The exit codes of every command (DESIGN.md §6), in one place. */
public final class ExitCodes {

	/** Success. */
	public static final int OK = 0;

	/** The job failed; the message says why and how to restart it. */
	public static final int FAILED = 1;

	/** Bad usage or a bad input file. */
	public static final int BAD_INPUT = 2;

	/** Nothing to do: no eligible entries, or the issue was already sent. */
	public static final int NOTHING_TO_DO = 3;

	private ExitCodes() {
	}
}
