package org.newsletter.web;

/** An application event: {@code email} unsubscribed over HTTP ({@code serve} prints a line for the operator). */
public record Unsubscribed(String email) {
}
