package org.newsletter.bounce;

import java.util.HashMap;
import java.util.Map;

import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.Test;
import org.newsletter.config.TestProperties;
import org.newsletter.subscriber.UnsubscribeLinks;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VERP return paths: short, valid everywhere, naming their delivery, and impossible to forge. */
class VerpAddressesTests {

	private final VerpAddresses verp = verp("bounces@News.Example.org", "secret-one");

	@Test
	void aReturnPathNamesItsIssueAndSubscriberWithAShortMac() throws Exception {
		String address = verp.of(12, 345);

		assertThat(address).matches("bounces\\+12-345-[a-z2-7]{10}@news\\.example\\.org");
		assertThat(new InternetAddress(address, true).getAddress()).isEqualTo(address);
		assertThat(verp.of(12, 345)).as("the same on every attempt").isEqualTo(address);
		assertThat(verp.of(12, 346)).isNotEqualTo(address);
	}

	@Test
	void aReportIsPinnedOnTheDeliveryWhoseReturnPathItQuotesInAnyCase() {
		String address = verp.of(12, 345);

		assertThat(verp.find("To: <" + address + ">")).contains(new DeliveryRef(12, 345));
		assertThat(verp.find("Delivered-To: " + address.toUpperCase())).contains(new DeliveryRef(12, 345));
	}

	@Test
	void aForgedOrForeignReturnPathNamesNothing() {
		String address = verp.of(12, 345);
		String otherSubscriber = address.replace("+12-345-", "+12-344-");
		String otherSecret = verp("bounces@news.example.org", "secret-two").of(12, 345);

		assertThat(verp.find(otherSubscriber)).isEmpty();
		assertThat(verp.find(otherSecret)).isEmpty();
		assertThat(verp.find("bounces+12-345-aaaaaaaaaa@news.example.org")).isEmpty();
		assertThat(verp.find("no address at all")).isEmpty();
		assertThat(verp.find(otherSubscriber + " then the real one " + address)).contains(new DeliveryRef(12, 345));
	}

	@Test
	void withoutAReturnPathMessagesKeepTheDefaultSender() {
		var off = verp("", "secret-one");

		assertThat(off.of(1, 2)).isNull();
		assertThat(off.find(verp.of(1, 2))).isEmpty();
	}

	@Test
	void aReturnPathThatIsNotOneBareAddressIsRefusedAtStart() {
		assertThatThrownBy(() -> properties("Bounces <bounces@example.org>")).hasRootCauseMessage(
				"newsletter.bounce.return-path must be one bare address without '+', e.g. bounces@example.org; "
						+ "'Bounces <bounces@example.org>' is not");
		assertThatThrownBy(() -> properties("bounces+x@example.org")).rootCause().hasMessageContaining("without '+'");
	}

	private static VerpAddresses verp(String returnPath, String secret) {
		var links = new UnsubscribeLinks(TestProperties.of(Map.of("newsletter.unsubscribe-secret", secret)));
		return new VerpAddresses(properties(returnPath), links);
	}

	static BounceProperties properties(String returnPath) {
		Map<String, String> settings = new HashMap<>();
		settings.put("newsletter.bounce.return-path", returnPath);
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("newsletter.bounce",
				Bindable.of(BounceProperties.class));
	}
}
