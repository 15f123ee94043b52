package org.newsletter.delivery;

import org.springframework.stereotype.Component;

/**
 * The process has been asked to stop (SIGTERM, Ctrl-C): every send partition stops after the
 * message in flight, recorded, rather than at the end of its chunk, so a stop takes as long as
 * one message, whatever the chunk size and the relay's pace.
 */
@Component
public class SendStop {

	private volatile boolean requested;

	/** Asks every send in this process to stop after its message in flight. */
	public void request() {
		requested = true;
	}

	boolean requested() {
		return requested;
	}
}
