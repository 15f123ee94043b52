package org.newsletter.signup;

import java.time.Instant;

/**
 * One post of the sign-up form, checked and waiting to be handled.
 *
 * @param email the address, normalised ({@code EmailAddresses.normalise})
 * @param name the name given, or null
 * @param at when it was posted
 */
public record SignUp(String email, String name, Instant at) {
}
