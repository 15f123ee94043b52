package org.newsletter.admin;

import java.util.List;
import java.util.Map;

import org.newsletter.delivery.IssueDeliveries;

/**
 * What the operator page shows, top to bottom, as text ready to print (times in the
 * newsletter's time zone). A {@code tone} is one of {@code ok}, {@code bad}, {@code busy} and
 * {@code quiet}: the page's colour for it, never the only sign (every tone has its words).
 * Public only for the templates: FreeMarker reads public records.
 *
 * @param verdict did the latest issue go out
 * @param nextRun when the schedule runs next, or that there is none
 * @param latest the latest issue's deliveries; null before the first issue
 * @param runs the recent runs, newest first
 * @param subscribers the list now and as the last issues went out
 * @param feeds the feeds of the feed list and how they fared
 */
public record Overview(String title, Verdict verdict, String nextRun, LatestIssue latest, List<Run> runs,
		Subscribers subscribers, Feeds feeds) {

	/**
	 * The answer to "did this week's issue go out?".
	 *
	 * @param headline a few words, shown big
	 * @param detail when, how many, why not
	 * @param restart the execution a Restart button finishes; null when there is nothing to restart
	 */
	public record Verdict(String tone, String headline, String detail, Long restart) {
	}

	/**
	 * One run (job execution) of the weekly digest.
	 *
	 * @param issue the issue's number and size, or a dash before one was composed
	 * @param messages sent/failed/deferred, or a dash
	 * @param exit its exit code, and the cause of a failure
	 * @param restartable the latest execution of its run, failed or stopped (or left by a process that ended)
	 */
	public record Run(long id, String cutoff, String status, String tone, boolean dryRun, String started, String ended,
			String issue, String messages, String exit, List<Step> steps, boolean restartable) {
	}

	/** A step of a run with Spring Batch's counts: feeds for fetch, messages for send. */
	public record Step(String name, String status, long read, long write, long skip) {
	}

	/**
	 * The issue the deliveries section is about, with the CSV of its deliveries.
	 *
	 * @param status {@code SENT} once finished, else {@code COMPOSED}
	 * @param failures its first failed or deferred deliveries with the server's reply
	 */
	public record LatestIssue(long id, int number, String cutoff, String status, IssueDeliveries.Tally tally,
			List<IssueDeliveries.Failure> failures) {
	}

	/**
	 * The list by status now, and as each of the last issues went out.
	 *
	 * @param statuses the statuses, in the order the columns show them
	 * @param now how many subscribers are in each status now
	 */
	public record Subscribers(List<String> statuses, Map<String, Integer> now, List<IssueAudience> history) {
	}

	/**
	 * One sent issue's audience.
	 *
	 * @param sent messages accepted for it
	 * @param failed messages refused for good
	 * @param byStatus the list by status when it went out; null for an issue sent before this was recorded
	 */
	public record IssueAudience(int number, String date, int sent, int failed, Map<String, Integer> byStatus) {
	}

	/**
	 * The feed list and each feed's record.
	 *
	 * @param problem why the feed list could not be read; null when it could
	 */
	public record Feeds(int total, int ok, int failing, List<Feed> list, String problem) {
	}

	/**
	 * One feed of the feed list.
	 *
	 * @param state ok, failing for N runs, or not fetched yet
	 * @param detail the last error, or the last success
	 * @param entries entries stored from it
	 * @param newest when its newest entry was published; a dash without one
	 */
	public record Feed(String title, String url, String tone, String state, String detail, int entries, String newest) {
	}
}
