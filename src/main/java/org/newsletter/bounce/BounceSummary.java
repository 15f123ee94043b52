package org.newsletter.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * What one check of the bounce mailbox did, as the operator reads it in one line: how many
 * bounces it recorded (hard, soft), how many subscribers that marked bounced, and what it left
 * in the mailbox (automatic replies, other mail, bounces of no delivery of ours).
 *
 * @param skipped why the mailbox was not read; null when it was
 * @param pop3 whether the mailbox is POP3 (what is left there is not "unread")
 */
public record BounceSummary(String skipped, String mailbox, boolean pop3, int read, int hard, int soft,
		int duplicates, int subscribersBounced, int delayWarnings, int autoReplies, int unmatched, int others) {

	static BounceSummary skipped(String why) {
		return new BounceSummary(why, null, false, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	}

	/** Messages left in the mailbox for a person to look at, or to be read again. */
	public int leftUnread() {
		return autoReplies + unmatched + others;
	}

	/** The line the run prints and the service logs, starting {@code bounces: }. */
	public String line() {
		if (skipped != null) {
			return "bounces: " + skipped;
		}
		if (read == 0) {
			return "bounces: nothing new in " + mailbox;
		}
		List<String> done = new ArrayList<>();
		if (hard + soft > 0) {
			done.add(count(hard + soft, "bounce") + " recorded (" + hard + " hard, " + soft + " soft)");
		}
		if (subscribersBounced > 0) {
			done.add(count(subscribersBounced, "subscriber") + " marked bounced");
		}
		if (duplicates > 0) {
			done.add(count(duplicates, "bounce") + " recorded before");
		}
		if (delayWarnings > 0) {
			done.add(count(delayWarnings, "delay warning") + " set aside");
		}
		if (leftUnread() > 0) {
			List<String> kinds = new ArrayList<>();
			if (autoReplies > 0) {
				kinds.add(autoReplies + (autoReplies == 1 ? " automatic reply" : " automatic replies"));
			}
			if (unmatched > 0) {
				kinds.add(count(unmatched, "bounce") + " of no delivery of ours");
			}
			if (others > 0) {
				kinds.add(count(others, "other message"));
			}
			done.add(leftUnread() + (pop3 ? " left in the mailbox: " : " left unread: ") + String.join(", ", kinds));
		}
		return "bounces: " + count(read, "new message") + " in " + mailbox + ": " + String.join("; ", done);
	}

	private static String count(int n, String noun) {
		return n + " " + noun + (n == 1 ? "" : "s");
	}

	/** Counts a check as it goes. */
	static final class Counter {

		private final String mailbox;

		private final boolean pop3;

		private int read;

		private int hard;

		private int soft;

		private int duplicates;

		private int subscribersBounced;

		private int delayWarnings;

		private int autoReplies;

		private int unmatched;

		private int others;

		Counter(String mailbox, boolean pop3) {
			this.mailbox = mailbox;
			this.pop3 = pop3;
		}

		void read() {
			read++;
		}

		void notBounce(Reading.Why why) {
			switch (why) {
				case AUTO_REPLY -> autoReplies++;
				case DELAY_WARNING -> delayWarnings++;
				case OTHER -> others++;
			}
		}

		void bounce(Reading.Kind kind, BounceRecorder.Outcome outcome) {
			switch (outcome) {
				case NO_DELIVERY -> unmatched++;
				case DUPLICATE -> duplicates++;
				case RECORDED, SUBSCRIBER_BOUNCED -> {
					if (kind == Reading.Kind.HARD) {
						hard++;
					}
					else {
						soft++;
					}
					if (outcome == BounceRecorder.Outcome.SUBSCRIBER_BOUNCED) {
						subscribersBounced++;
					}
				}
			}
		}

		BounceSummary done() {
			return new BounceSummary(null, mailbox, pop3, read, hard, soft, duplicates, subscribersBounced, delayWarnings,
					autoReplies, unmatched, others);
		}
	}
}
