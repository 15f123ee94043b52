package org.newsletter.web;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Request;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's NIO HTTP/1.1 connector with one limit more: a request's headers must have arrived
 * within the connection timeout of its first byte, or the connection is shut. Tomcat's own
 * timeout is per read, so a client that sends a byte a second (slow-loris) would otherwise
 * keep its connection for as long as it likes (though no thread: Tomcat reads headers on its
 * poller). Checked every second; public, as Tomcat creates its protocol from the class name.
 */
public class RequestTimeoutProtocol extends Http11NioProtocol {

	private static final Logger log = LoggerFactory.getLogger(RequestTimeoutProtocol.class);

	private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private ScheduledFuture<?> check;

	/** Only the check's thread touches these two. */
	private long cutOff;

	private long lastLogged = System.nanoTime() - LOG_EVERY_NANOS;

	@Override
	public void start() throws Exception {
		super.start();
		check = getUtilityExecutor().scheduleWithFixedDelay(this::cutOffLateRequests, 1, 1, TimeUnit.SECONDS);
	}

	@Override
	public void stop() throws Exception {
		if (check != null) {
			check.cancel(false);
		}
		super.stop();
	}

	private void cutOffLateRequests() {
		try {
			long now = System.nanoTime();
			long limit = TimeUnit.MILLISECONDS.toNanos(getConnectionTimeout());
			for (SocketWrapperBase<NioChannel> connection : getEndpoint().getConnections()) {
				if (connection.getCurrentProcessor() instanceof AbstractProcessor processor
						&& late(processor.getRequest(), now, limit)) {
					shut(connection);
				}
			}
			if (cutOff > 0 && now - lastLogged >= LOG_EVERY_NANOS) {
				log.warn("closed {} connection(s) whose request had not arrived within {} ms (slow clients); see "
						+ "newsletter.serve.request-timeout", cutOff, getConnectionTimeout());
				cutOff = 0;
				lastLogged = now;
			}
		}
		catch (RuntimeException ex) {
			// the check runs again in a second; an exception out of it would end it for good
			log.warn("checking for slow requests failed", ex);
		}
	}

	/**
	 * Begun over {@code limit} ago and its headers still not all there. A connection shows its
	 * processor here only between reads, that is while its headers come in (a request
	 * answered is recycled, its start time unset); a body is read by a request thread, which
	 * keeps its own deadline ({@link UnsubscribePage}).
	 */
	private static boolean late(Request request, long now, long limit) {
		long started = request.getStartTimeNanos();
		return started != -1 && now - started > limit && !request.isFinished();
	}

	/**
	 * Shuts the socket both ways rather than closing Tomcat's connection from this thread: the
	 * poller or the request thread waiting for the rest reads the end, and Tomcat closes the
	 * connection as after any client that went.
	 */
	private void shut(SocketWrapperBase<NioChannel> connection) {
		SocketChannel channel = connection.getSocket().getIOChannel();
		if (channel.socket().isInputShutdown()) {
			return;
		}
		try {
			channel.shutdownInput();
			channel.shutdownOutput();
			cutOff++;
		}
		catch (IOException ex) {
			log.debug("shutting a slow connection failed (already closed?)", ex);
		}
	}
}
