package org.newsletter.bounce;

/** Which delivery a bounce is about: an issue's message to one subscriber. */
record DeliveryRef(long issueId, long subscriberId) {
}
