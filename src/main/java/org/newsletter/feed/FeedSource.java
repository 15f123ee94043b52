package org.newsletter.feed;

/**
 * One feed of the feed list: where to fetch it and the name the list gives it.
 *
 * @param url absolute {@code http}, {@code https} or {@code file} URL of the feed
 * @param title the name given in the list; may be empty, the feed's own title is used then
 */
public record FeedSource(String url, String title) {
}
