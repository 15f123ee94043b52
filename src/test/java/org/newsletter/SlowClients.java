package org.newsletter;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Clients that send a request's start at once and then one byte a second, never finishing:
 * the slow-loris attack on a server's threads. Closed, they close every socket.
 */
final class SlowClients implements AutoCloseable {

	private final URI server;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor(task -> {
		var thread = new Thread(task, "slow-clients");
		thread.setDaemon(true);
		return thread;
	});

	SlowClients(URI server) {
		this.server = server;
		trickle.scheduleAtFixedRate(this::oneMoreByte, 1, 1, TimeUnit.SECONDS);
	}

	/** Opens {@code count} connections that each send {@code start}, then one byte {@code next} a second. */
	SlowClients open(int count, String start) throws IOException {
		for (int i = 0; i < count; i++) {
			var socket = new Socket(server.getHost(), server.getPort());
			socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
			sockets.add(socket);
		}
		return this;
	}

	/** How many of the connections the server has closed (or answered, which it must not). */
	int disconnected() throws IOException {
		int closed = 0;
		for (Socket socket : sockets) {
			try {
				socket.setSoTimeout(1);
				socket.getInputStream().read();
				closed++;
			}
			catch (SocketTimeoutException ex) {
				// nothing to read and still open: the server is waiting for the rest
			}
			catch (IOException ex) {
				closed++;
			}
		}
		return closed;
	}

	int size() {
		return sockets.size();
	}

	private void oneMoreByte() {
		for (Socket socket : sockets) {
			try {
				socket.getOutputStream().write('a');
			}
			catch (IOException ex) {
				// the server closed it; disconnected() tells
			}
		}
	}

	@Override
	public void close() throws IOException {
		trickle.shutdownNow();
		for (Socket socket : sockets) {
			socket.close();
		}
	}
}
