package org.newsletter.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Properties;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;

/**
 * The bounce mailbox, opened for one check, over Jakarta Mail's own IMAP and POP3 providers
 * (Angus Mail).
 * <p>
 * What is new, and what becomes of a message once its bounce is recorded:
 * <ul>
 * <li>IMAP: the messages without the {@code \Seen} flag. They are read with {@code BODY.PEEK}
 * ({@code mail.imap.peek}), so reading leaves them unread; a recorded bounce (or a delay warning)
 * is then flagged {@code \Seen} and kept, for the operator to look at, and what is not a bounce
 * stays unread. Nothing is deleted: the mailbox's own expiry, if any, is the mail server's.</li>
 * <li>POP3 has no flags, so every message in the mailbox is new: a recorded bounce (or a delay
 * warning) is deleted, what is not a bounce stays and is counted again at the next check. The
 * deletions take effect when the mailbox is closed at the end of the check, after every one of
 * them was recorded in the database: a check that dies half-way deletes nothing and the next one
 * reads the same bounces again, as duplicates.</li>
 * </ul>
 */
final class BounceMailbox implements AutoCloseable {

	private final Store store;

	private final Folder folder;

	private final boolean pop3;

	private BounceMailbox(Store store, Folder folder, boolean pop3) {
		this.store = store;
		this.folder = folder;
		this.pop3 = pop3;
	}

	/** Connects, logs in and opens the folder for reading and writing. */
	static BounceMailbox open(BounceProperties settings) throws MessagingException {
		String protocol = settings.protocol();
		Properties properties = new Properties();
		String millis = Long.toString(Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
		properties.setProperty("mail." + protocol + ".connectiontimeout", millis);
		properties.setProperty("mail." + protocol + ".timeout", millis);
		properties.setProperty("mail." + protocol + ".writetimeout", millis);
		properties.setProperty("mail." + protocol + ".peek", "true");
		if (settings.starttls()) {
			properties.setProperty("mail." + protocol + ".starttls.enable", "true");
			properties.setProperty("mail." + protocol + ".starttls.required", "true");
		}
		Store store = Session.getInstance(properties).getStore(protocol);
		store.connect(settings.host().strip(), settings.port() > 0 ? settings.port() : -1, settings.username(),
				settings.password());
		try {
			Folder folder = store.getFolder(settings.pop3() ? "INBOX" : settings.folder());
			folder.open(Folder.READ_WRITE);
			return new BounceMailbox(store, folder, settings.pop3());
		}
		catch (MessagingException | RuntimeException ex) {
			store.close();
			throw ex;
		}
	}

	/** The messages not yet dealt with, oldest first. */
	List<Message> unread() throws MessagingException {
		Message[] messages = pop3 ? folder.getMessages() : folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
		var profile = new FetchProfile();
		profile.add(FetchProfile.Item.SIZE);
		folder.fetch(messages, profile);
		return List.of(messages);
	}

	/** The message as it is stored, headers and body; reading it leaves it unread. */
	static byte[] raw(Message message) throws MessagingException, IOException {
		var bytes = new ByteArrayOutputStream(Math.max(1024, message.getSize()));
		message.writeTo(bytes);
		return bytes.toByteArray();
	}

	/** Sets aside a message whose bounce is recorded: {@code \Seen} over IMAP, deleted (at close) over POP3. */
	void done(Message message) throws MessagingException {
		message.setFlag(pop3 ? Flags.Flag.DELETED : Flags.Flag.SEEN, true);
	}

	/** Closes the folder (POP3: deleting what was set aside) and the connection. */
	@Override
	public void close() throws MessagingException {
		try {
			if (folder.isOpen()) {
				folder.close(pop3);
			}
		}
		finally {
			store.close();
		}
	}
}
