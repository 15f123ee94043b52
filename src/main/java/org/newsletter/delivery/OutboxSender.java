package org.newsletter.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.newsletter.config.PrivateFiles;

/** Writes each message as an {@code .eml} file into the outbox folder instead of sending it. */
public class OutboxSender implements MessageSender {

	private final Path folder;

	public OutboxSender(Path folder) {
		this.folder = folder;
	}

	@Override
	public Outcome send(MimeMessage message) throws DeliveryException {
		try {
			PrivateFiles.createDirectories(folder); // messages name their subscribers: owner-only, whatever the umask
			String name = message.getMessageID().replaceAll("[^A-Za-z0-9.@_-]", "") + ".eml";
			Path target = folder.resolve(name);
			Path partial = folder.resolve(name + ".part");
			PrivateFiles.createFile(partial);
			try (OutputStream out = Files.newOutputStream(partial)) {
				message.writeTo(out);
			}
			Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			return new Outcome(DeliveryStatus.SENT, "written to " + target);
		}
		catch (IOException | MessagingException ex) {
			throw new DeliveryException("cannot write to the outbox " + folder + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String destination() {
		return "the outbox folder " + folder;
	}

	@Override
	public void close() {
		// nothing held open
	}
}
