package org.newsletter.signup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;


import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsletter.MemoryDatabase;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.config.TestProperties;
import org.newsletter.subscriber.ForgottenAddresses;
import org.newsletter.subscriber.Subscriber;
import org.newsletter.subscriber.SubscriberRepository;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SignUps} on a real HSQLDB (in memory, migrated by the application's Flyway scripts)
 * with the real repositories, tokens and suppression list, and a clock the tests move: who is
 * stored and mailed, which links confirm (and which have gone stale), what the purge deletes.
 * Each test signs up addresses of its own.
 */
@SpringJUnitConfig(SignUpsTests.Database.class)
class SignUpsTests {

	private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

	@Autowired
	SignUps signUps;

	@Autowired
	SubscriberRepository subscribers;

	@Autowired
	ForgottenAddresses forgotten;

	@Autowired
	UnsubscribeLinks unsubscribeLinks;

	@Autowired
	MovingClock clock;

	@BeforeEach
	void startAtT0() {
		clock.set(T0);
	}

	@Test
	void aNewAddressIsStoredPendingAndItsLinkMakesItActiveOnce() {
		String email = address();

		SignUps.Letter letter = signUps.register(signUp(email, "Ada")).orElseThrow();

		assertThat(letter.alreadySubscribed()).isFalse();
		assertThat(letter.confirmUrl()).startsWith("https://news.example/confirm?token=");
		assertThat(letter.expires()).isEqualTo(T0.plus(Duration.ofDays(7)));
		Subscriber pending = subscribers.findByEmail(email).orElseThrow();
		assertThat(pending.status()).isEqualTo(Subscriber.PENDING);
		assertThat(pending.name()).isEqualTo("Ada");
		String token = token(letter);
		assertThat(signUps.check(token)).isEqualTo(new SignUps.Link.Open(pending));

		clock.set(T0.plus(Duration.ofDays(6)));
		SignUps.Link confirmed = signUps.confirm(token);

		assertThat(confirmed).isInstanceOf(SignUps.Link.Confirmed.class);
		assertThat(subscribers.findByEmail(email).orElseThrow().status()).isEqualTo(Subscriber.ACTIVE);
		assertThat(signUps.confirm(token)).as("a link works once").isEqualTo(new SignUps.Link.Invalid());
		assertThat(signUps.check(token)).isEqualTo(new SignUps.Link.Invalid());
	}

	@Test
	void anAddressIsMailedAtMostOncePerIntervalAndOnlyTheNewestLinkWorks() {
		String email = address();
		SignUps.Letter first = signUps.register(signUp(email, null)).orElseThrow();

		clock.set(T0.plus(Duration.ofMinutes(59)));
		assertThat(signUps.register(signUp(email, "Mallory"))).as("within the hour").isEmpty();
		assertThat(signUps.check(token(first))).as("a sign-up not mailed changes no link").isInstanceOf(SignUps.Link.Open.class);

		clock.set(T0.plus(Duration.ofMinutes(61)));
		SignUps.Letter second = signUps.register(signUp(email, "Grace")).orElseThrow();

		assertThat(signUps.check(token(first))).as("replaced by the newer mail's").isEqualTo(new SignUps.Link.Invalid());
		assertThat(signUps.confirm(token(second))).isInstanceOf(SignUps.Link.Confirmed.class);
		assertThat(subscribers.findByEmail(email).orElseThrow().name()).isEqualTo("Grace");
	}

	@Test
	void anUnsubscribedPersonStaysAsTheyAreUntilTheyConfirm() {
		String email = address();
		subscribers.subscribe(email, "Old Name", T0.minus(Duration.ofDays(30)));
		Subscriber before = subscribers.findByEmail(email).orElseThrow();
		subscribers.unsubscribe(before.id(), T0.minus(Duration.ofDays(20)));
		Instant changed = subscribers.updatedAt(before.id()).orElseThrow();

		SignUps.Letter letter = signUps.register(signUp(email, "New Name")).orElseThrow();

		Subscriber waiting = subscribers.find(before.id()).orElseThrow();
		assertThat(waiting.status()).isEqualTo(Subscriber.UNSUBSCRIBED);
		assertThat(waiting.name()).isEqualTo("Old Name");
		assertThat(subscribers.updatedAt(before.id())).hasValue(changed);
		assertThat(letter.name()).isEqualTo("New Name");

		assertThat(signUps.confirm(token(letter))).isInstanceOf(SignUps.Link.Confirmed.class);
		Subscriber after = subscribers.find(before.id()).orElseThrow();
		assertThat(after.status()).isEqualTo(Subscriber.ACTIVE);
		assertThat(after.name()).isEqualTo("New Name");
	}

	@Test
	void aLinkMailedBeforeTheRowChangedNoLongerConfirms() {
		String email = address();
		SignUps.Letter letter = signUps.register(signUp(email, null)).orElseThrow();
		long id = letter.subscriber().id();

		clock.set(T0.plus(Duration.ofMinutes(5)));
		subscribers.unsubscribe(id, clock.instant()); // subscribers remove, by the operator

		assertThat(signUps.confirm(token(letter))).isEqualTo(new SignUps.Link.Invalid());
		assertThat(subscribers.find(id).orElseThrow().status()).isEqualTo(Subscriber.UNSUBSCRIBED);
	}

	@Test
	void anActiveSubscriberIsToldSoWithoutALinkAndNothingChanges() {
		String email = address();
		subscribers.subscribe(email, "Ada", T0.minus(Duration.ofDays(3)));
		Subscriber active = subscribers.findByEmail(email).orElseThrow();
		Instant changed = subscribers.updatedAt(active.id()).orElseThrow();

		SignUps.Letter letter = signUps.register(signUp(email, "Someone Else")).orElseThrow();

		assertThat(letter.alreadySubscribed()).isTrue();
		assertThat(letter.confirmUrl()).isNull();
		assertThat(subscribers.find(active.id())).hasValue(active);
		assertThat(subscribers.updatedAt(active.id())).hasValue(changed);
		clock.set(T0.plus(Duration.ofMinutes(30)));
		assertThat(signUps.register(signUp(email, null))).as("told at most once an hour too").isEmpty();
	}

	@Test
	void anExpiredLinkIsExpiredAndTamperedOrForeignTokensAreInvalid() {
		SignUps.Letter letter = signUps.register(signUp(address(), null)).orElseThrow();
		long id = letter.subscriber().id();
		String token = token(letter);
		String flipped = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
		String[] parts = token.split("\\.");
		String laterExpiry = parts[0] + "." + (Long.parseLong(parts[1]) + 86_400) + "." + parts[2];

		for (String bad : new String[] { flipped, laterExpiry, unsubscribeLinks.token(id), id + "", "", "x.y.z" }) {
			assertThat(signUps.check(bad)).as(bad).isEqualTo(new SignUps.Link.Invalid());
			assertThat(signUps.confirm(bad)).as(bad).isEqualTo(new SignUps.Link.Invalid());
		}
		clock.set(letter.expires().minusSeconds(1));
		assertThat(signUps.check(token)).isInstanceOf(SignUps.Link.Open.class);
		clock.set(letter.expires());
		assertThat(signUps.check(token)).isEqualTo(new SignUps.Link.Expired());
		assertThat(signUps.confirm(token)).isEqualTo(new SignUps.Link.Expired());
		assertThat(subscribers.find(id).orElseThrow().status()).isEqualTo(Subscriber.PENDING);
	}

	@Test
	void theLinkOfAMailThatDidNotGoOutIsGivenBackSoTheNextSignUpMailsAtOnce() {
		String email = address();
		SignUps.Letter letter = signUps.register(signUp(email, null)).orElseThrow();

		signUps.mailFailed(letter);
		clock.set(T0.plusSeconds(1));

		assertThat(signUps.register(signUp(email, null))).isPresent();
	}

	@Test
	void aForgottenAddressIsNeitherStoredNorMailed() {
		String email = address();
		forgotten.forget(email, T0.minus(Duration.ofDays(1)));

		assertThat(signUps.register(signUp(email, "Ada"))).isEmpty();
		assertThat(subscribers.findByEmail(email)).isEmpty();
	}

	@Test
	void thePurgeDeletesExpiredPendingSignUpsAndClosesTheOthersExpiredSignUps() {
		String gone = address();
		String unsubscribed = address();
		String fresh = address();
		String imported = address();
		subscribers.subscribe(unsubscribed, "U", T0.minus(Duration.ofDays(30)));
		subscribers.unsubscribe(subscribers.findByEmail(unsubscribed).orElseThrow().id(), T0.minus(Duration.ofDays(20)));
		subscribers.addPending(imported, null, T0.minus(Duration.ofDays(30))); // from an import: no sign-up
		SignUps.Letter expiring = signUps.register(signUp(gone, null)).orElseThrow();
		SignUps.Letter lapsing = signUps.register(signUp(unsubscribed, null)).orElseThrow();
		clock.set(T0.plus(Duration.ofDays(6)));
		signUps.register(signUp(fresh, null)).orElseThrow();

		int purged = signUps.purge(T0.plus(Duration.ofDays(7)));

		assertThat(purged).isGreaterThanOrEqualTo(1);
		assertThat(subscribers.findByEmail(gone)).isEmpty();
		assertThat(subscribers.findByEmail(fresh).orElseThrow().status()).isEqualTo(Subscriber.PENDING);
		assertThat(subscribers.findByEmail(imported).orElseThrow().status()).isEqualTo(Subscriber.PENDING);
		assertThat(subscribers.findByEmail(unsubscribed).orElseThrow().status()).isEqualTo(Subscriber.UNSUBSCRIBED);
		clock.set(T0.plus(Duration.ofDays(7)).minusSeconds(1));
		assertThat(signUps.check(token(lapsing))).as("closed by the purge").isEqualTo(new SignUps.Link.Invalid());
		assertThat(signUps.check(token(expiring))).isEqualTo(new SignUps.Link.Invalid());
		assertThat(signUps.register(signUp(gone, null))).as("the purged address signs up anew").isPresent();
	}

	/** A post of the form, now by the test's clock. */
	private SignUp signUp(String email, String name) {
		return new SignUp(email, name, clock.instant());
	}

	private static String token(SignUps.Letter letter) {
		return letter.confirmUrl().substring(letter.confirmUrl().indexOf("token=") + "token=".length());
	}

	private static String address() {
		return "reader-" + UUID.randomUUID() + "@example.org";
	}

	/** A clock the tests set. */
	static final class MovingClock extends Clock {

		private volatile Instant now = T0;

		void set(Instant instant) {
			now = instant;
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ MemoryDatabase.class, UnsubscribeLinks.class, ForgottenAddresses.class, SignUps.class, SignUpRepository.class,
			ConfirmTokens.class })
	static class Database {

		@Bean
		NewsletterProperties newsletterProperties() {
			return TestProperties.of(Map.of("newsletter.unsubscribe-secret", "sign-up-tests-secret", "newsletter.base-url",
					"https://news.example/"));
		}

		@Bean
		ConfirmProperties confirmProperties() {
			return new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("newsletter.confirm",
					Bindable.of(ConfirmProperties.class));
		}

		@Bean
		MovingClock clock() {
			return new MovingClock();
		}
	}
}
