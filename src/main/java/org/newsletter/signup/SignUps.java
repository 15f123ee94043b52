package org.newsletter.signup;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.newsletter.subscriber.EmailAddresses;
import org.newsletter.subscriber.ForgottenAddresses;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing up on the web page and confirming by the mailed link (double opt-in). A sign-up
 * stores a new address as {@code pending}; someone already on the list is left as they are (an
 * unsubscribed or bounced person stays so until they confirm). Each address gets at most one
 * mail per {@code newsletter.confirm.mail-interval}: a link to confirm, or, for someone already
 * active, word that they are. An address forgotten at the person's request is not stored and
 * not mailed (the suppression list, V7). Confirming makes the person active; a pending sign-up
 * whose link expired is purged. The log names subscriber ids, never addresses.
 */
@Component
public class SignUps {

	private static final Logger log = LoggerFactory.getLogger(SignUps.class);

	/** Expired sign-ups purged per statement. */
	private static final int PURGE_BATCH = 1000;

	private final SubscriberRepository subscribers;

	private final SignUpRepository signUps;

	private final ForgottenAddresses forgotten;

	private final ConfirmTokens tokens;

	private final ConfirmProperties settings;

	private final TransactionTemplate transaction;

	private final Clock clock;

	SignUps(SubscriberRepository subscribers, SignUpRepository signUps, ForgottenAddresses forgotten, ConfirmTokens tokens,
			ConfirmProperties settings, PlatformTransactionManager transactions, Clock clock) {
		this.subscribers = subscribers;
		this.signUps = signUps;
		this.forgotten = forgotten;
		this.tokens = tokens;
		this.settings = settings;
		this.transaction = new TransactionTemplate(transactions);
		this.clock = clock;
	}

	/**
	 * What to mail after a sign-up.
	 *
	 * @param subscriber who signed up, as stored
	 * @param name the name to greet them by: the one given on the form, else the stored one (may be null)
	 * @param confirmUrl the link that confirms; null when they are already active
	 * @param expires when the link expires; null when there is none
	 * @param mailedAt when the mail was claimed (given back if the mail does not go out)
	 */
	record Letter(Subscriber subscriber, String name, String confirmUrl, Instant expires, Instant mailedAt) {

		boolean alreadySubscribed() {
			return confirmUrl == null;
		}
	}

	/** What a confirmation link stands for. */
	public sealed interface Link {

		/** It confirms this subscriber's sign-up (asked: nothing changed yet). */
		record Open(Subscriber subscriber) implements Link {
		}

		/** It did: the subscriber is active now. */
		record Confirmed(Subscriber subscriber) implements Link {
		}

		/** Authentic, but past its expiry. */
		record Expired() implements Link {
		}

		/** Malformed, tampered with, used already, or replaced by a newer mail's. */
		record Invalid() implements Link {
		}
	}

	/**
	 * Stores a sign-up and says what to mail, if anything (nothing when the address was mailed
	 * within the interval, or was forgotten). Run by the one sign-up thread, never by a request.
	 */
	Optional<Letter> register(SignUp signUp) {
		Instant now = signUp.at().truncatedTo(ChronoUnit.MILLIS);
		if (forgotten.isForgotten(EmailAddresses.key(signUp.email()))) {
			log.info("a sign-up of an address forgotten at the person's request: nothing stored, nothing mailed");
			return Optional.empty();
		}
		try {
			return Optional.ofNullable(transaction.execute(status -> registerInTransaction(signUp, now)));
		}
		catch (DuplicateKeyException ex) {
			log.info("a sign-up of an address added by another process just now: not mailed");
			return Optional.empty();
		}
	}

	private Letter registerInTransaction(SignUp signUp, Instant now) {
		Optional<Subscriber> known = subscribers.findByEmail(signUp.email());
		long id = known.isPresent() ? known.get().id() : subscribers.addPending(signUp.email(), signUp.name(), now);
		if (!signUps.claimMail(id, now, now.minus(settings.mailInterval()))) {
			log.info("subscriber {} signed up again within newsletter.confirm.mail-interval ({}) of the last mail: "
					+ "not mailed", id, settings.mailInterval());
			return null;
		}
		Subscriber subscriber = subscribers.find(id).orElseThrow();
		String name = signUp.name() != null ? signUp.name() : subscriber.name();
		if (Subscriber.ACTIVE.equals(subscriber.status())) {
			log.info("subscriber {} signed up and is active already: told so by mail", id);
			return new Letter(subscriber, name, null, null, now);
		}
		Instant expires = now.plus(settings.expiry()).truncatedTo(ChronoUnit.SECONDS);
		signUps.open(id, signUp.name(), expires);
		Instant updatedAt = subscribers.updatedAt(id).orElseThrow();
		log.info("subscriber {} ({}) signed up: confirmation link mailed, valid until {}", id,
				known.isPresent() ? subscriber.status() : "new", expires);
		return new Letter(subscriber, name,
				tokens.url(id, EmailAddresses.key(subscriber.email()), updatedAt, expires), expires, now);
	}

	/** The letter's mail did not go out: the next sign-up of the address may mail at once. */
	void mailFailed(Letter letter) {
		signUps.releaseMail(letter.subscriber().id(), letter.mailedAt(), letter.mailedAt().minus(settings.mailInterval()));
	}

	/** What {@code token} stands for now; changes nothing. */
	public Link check(String token) {
		return checked(token).link();
	}

	/** Confirms the sign-up {@code token} stands for: the subscriber becomes active with the name they gave. */
	public Link confirm(String token) {
		return transaction.execute(status -> {
			Checked checked = checked(token);
			if (!(checked.link() instanceof Link.Open open)) {
				return checked.link();
			}
			long id = open.subscriber().id();
			if (!subscribers.confirmSignUp(id, checked.updatedAt(), checked.signUp().name(), clock.instant())) {
				return new Link.Invalid(); // confirmed or changed by another request just now
			}
			signUps.close(id);
			log.info("subscriber {} confirmed their sign-up: active", id);
			return new Link.Confirmed(subscribers.find(id).orElseThrow());
		});
	}

	private record Checked(Link link, Instant updatedAt, SignUpRepository.Row signUp) {
	}

	/**
	 * The MAC is checked before the expiry, so only an authentic link is called expired; a link
	 * is for the open sign-up only (its expiry is the one the link names).
	 */
	private Checked checked(String token) {
		var invalid = new Checked(new Link.Invalid(), null, null);
		Optional<ConfirmTokens.Claim> claim = tokens.parse(token);
		if (claim.isEmpty()) {
			return invalid;
		}
		long id = claim.get().subscriberId();
		Optional<Subscriber> subscriber = subscribers.find(id);
		Optional<Instant> updatedAt = subscribers.updatedAt(id);
		if (subscriber.isEmpty() || updatedAt.isEmpty()
				|| !tokens.signs(claim.get(), EmailAddresses.key(subscriber.get().email()), updatedAt.get())) {
			return invalid;
		}
		Optional<SignUpRepository.Row> signUp = signUps.find(id);
		if (signUp.isEmpty() || signUp.get().expiresAt() == null
				|| signUp.get().expiresAt().getEpochSecond() != claim.get().expires()) {
			return invalid;
		}
		if (!clock.instant().isBefore(signUp.get().expiresAt())) {
			return new Checked(new Link.Expired(), updatedAt.get(), signUp.get());
		}
		return new Checked(new Link.Open(subscriber.get()), updatedAt.get(), signUp.get());
	}

	/**
	 * Deletes the pending subscribers whose sign-up expired at or before {@code now} (they have no
	 * deliveries; their sign-up row goes with them), closes the expired sign-ups of the others, and
	 * forgets the last mail of addresses past the mail interval; the number of pending subscribers
	 * deleted. Pending subscribers that came from an import, not from the form, have no sign-up and
	 * are left to the operator.
	 */
	public int purge(Instant now) {
		int deleted = 0;
		List<Long> expired;
		do {
			expired = signUps.expired(now, PURGE_BATCH);
			deleted += subscribers.deletePending(expired);
			signUps.closeExpired(expired, now);
		}
		while (expired.size() == PURGE_BATCH);
		signUps.deleteClosedMailedBefore(now.minus(settings.mailInterval()));
		return deleted;
	}
}
