package org.newsletter.job;

/**
 * The remote send could not go on: no worker alive, a worker that died with a partition, a
 * partition that failed on its worker. The message says which, in one line; the run is left
 * for {@code restart}.
 */
class RemoteSendException extends RuntimeException {

	RemoteSendException(String message) {
		super(message);
	}
}
