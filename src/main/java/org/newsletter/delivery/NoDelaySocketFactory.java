package org.newsletter.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

/**
 * Sockets with Nagle's algorithm off. An SMTP client writes a message, then the short
 * {@code CRLF.CRLF} that ends it and waits for the reply; with Nagle on, that last segment waits
 * for the server's delayed acknowledgement, about 40 ms on Linux, on every message. Given to
 * Jakarta Mail as {@code mail.smtp.socketFactory} (STARTTLS layers TLS over these sockets).
 */
final class NoDelaySocketFactory extends SocketFactory {

	private final SocketFactory sockets = SocketFactory.getDefault();

	@Override
	public Socket createSocket() throws IOException {
		return noDelay(sockets.createSocket());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return noDelay(sockets.createSocket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return noDelay(sockets.createSocket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return noDelay(sockets.createSocket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
		return noDelay(sockets.createSocket(address, port, localAddress, localPort));
	}

	private static Socket noDelay(Socket socket) throws IOException {
		socket.setTcpNoDelay(true);
		return socket;
	}
}
