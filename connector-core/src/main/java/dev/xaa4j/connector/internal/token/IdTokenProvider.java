package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.ConnectorException;
/**
 * The first links of the renewal chain (docs/protocol.md §4): hands out an ID token valid long enough for a token
 * exchange, refreshing it at the IdP when needed. Never interactive: when nothing works it throws
 * {@link ConnectorException.Kind#SIGN_IN_REQUIRED}. Thread-safe.
 */
public interface IdTokenProvider {

    /** An ID token that is valid for at least the provider's margin. */
    String idToken();

    /**
     * The IdP rejected {@code rejected} as a subject token: renew it (even if it looks valid) and return the new
     * one. Throws when no other ID token can be obtained.
     */
    String renewAfterRejection(String rejected);

    /** Forget any in-memory copy (after sign-in or sign-out). */
    default void reset() {
    }
}
