package org.newsletter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small SMTP server on loopback whose replies a test chooses: a permanent 550 or a
 * temporary 451 for given recipients, temporary 451 replies for a number of attempts, or
 * no reply at all (a server that stalls). It speaks real SMTP over a socket, for the
 * replies GreenMail does not give.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

	private final ServerSocket socket;

	private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();

	private final AtomicInteger temporaryFailures = new AtomicInteger();

	private final List<String> delivered = new CopyOnWriteArrayList<>();

	private final Map<String, List<String>> messageIds = new ConcurrentHashMap<>();

	private final List<Socket> clients = new CopyOnWriteArrayList<>();

	private volatile Stall stall = Stall.NEVER;

	/** Where the server stops answering, keeping the connection open. */
	public enum Stall {

		/** It answers everything. */
		NEVER,

		/** It accepts the connection and never sends its greeting. */
		BEFORE_GREETING,

		/** It reads a whole message and never answers the end of its data. */
		AFTER_DATA
	}

	public ScriptedSmtpServer() {
		try {
			socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		daemon(this::accept);
	}

	public int port() {
		return socket.getLocalPort();
	}

	/** Answers RCPT TO for {@code address} with {@code reply}, e.g. "550 5.1.1 no such user". */
	public void reply(String address, String reply) {
		rcptReplies.put(address.toLowerCase(java.util.Locale.ROOT), reply);
	}

	/** Answers RCPT TO for {@code address} with 250 again. */
	public void accept(String address) {
		rcptReplies.remove(address.toLowerCase(java.util.Locale.ROOT));
	}

	/** From now on, stalls at {@code where}. */
	public void stall(Stall where) {
		stall = where;
	}

	/** The Message-ID of each message accepted for {@code address}, in order. */
	public List<String> messageIds(String address) {
		return messageIds.getOrDefault(address.toLowerCase(java.util.Locale.ROOT), List.of());
	}

	/** The next {@code count} messages get "451 4.3.0 try again later" after DATA. */
	public void failTemporarily(int count) {
		temporaryFailures.set(count);
	}

	/** Recipients of the messages accepted, in order. */
	public List<String> delivered() {
		return delivered;
	}

	private void accept() {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				clients.add(client);
				daemon(() -> session(client));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void session(Socket client) {
		try (client;
				var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
				var out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
			if (stall == Stall.BEFORE_GREETING) {
				awaitClose(in);
				return;
			}
			send(out, "220 scripted ESMTP");
			String recipient = null;
			String line;
			while ((line = in.readLine()) != null) {
				String command = line.toUpperCase(java.util.Locale.ROOT);
				if (command.startsWith("EHLO") || command.startsWith("HELO")) {
					send(out, "250 scripted");
				}
				else if (command.startsWith("MAIL FROM")) {
					send(out, "250 2.1.0 ok");
				}
				else if (command.startsWith("RCPT TO")) {
					recipient = line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase(java.util.Locale.ROOT);
					send(out, rcptReplies.getOrDefault(recipient, "250 2.1.5 ok"));
				}
				else if (command.equals("DATA")) {
					send(out, "354 go ahead");
					String messageId = null;
					for (String data = in.readLine(); !".".equals(data); data = in.readLine()) {
						if (messageId == null && data.regionMatches(true, 0, "Message-ID:", 0, 11)) {
							messageId = data.substring(11).strip();
						}
					}
					if (stall == Stall.AFTER_DATA) {
						awaitClose(in);
						return;
					}
					if (temporaryFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
						send(out, "451 4.3.0 try again later");
					}
					else {
						delivered.add(recipient);
						messageIds.computeIfAbsent(recipient, r -> new CopyOnWriteArrayList<>()).add(messageId);
						send(out, "250 2.0.0 queued");
					}
				}
				else if (command.equals("QUIT")) {
					send(out, "221 bye");
					return;
				}
				else {
					send(out, "250 ok");
				}
			}
		}
		catch (IOException ex) {
			// the client went away
		}
	}

	/** Says nothing, until the client gives up or the server closes. */
	private static void awaitClose(BufferedReader in) throws IOException {
		while (in.readLine() != null) {
			// silence
		}
	}

	private static void daemon(Runnable task) {
		var thread = new Thread(task, "scripted-smtp");
		thread.setDaemon(true);
		thread.start();
	}

	private static void send(PrintWriter out, String reply) {
		out.print(reply + "\r\n");
		out.flush();
	}

	@Override
	public void close() throws IOException {
		socket.close();
		for (Socket client : clients) {
			client.close();
		}
	}
}
