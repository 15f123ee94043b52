package org.newsletter.web;

/** An application event: {@code email} confirmed their sign-up over HTTP ({@code serve} prints a line for the operator). */
public record SignUpConfirmed(String email) {
}
