package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.grant.IdJag;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import java.util.Optional;
import java.util.function.Function;

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

    /**
     * Whether the session holds an IdP refresh token, the first choice of subject for the token exchange (ID-JAG
     * draft -04 §4.3.2). A provider without a session (a caller's ID token source) has none.
     */
    default boolean hasRefreshToken() {
        return false;
    }

    /**
     * Runs {@code exchange} with the session's current IdP refresh token as {@code subject_token}, serialised with
     * every other use of that refresh token on this machine (as a refresh is), and persists the refresh token the
     * IdP rotated to, if any, before returning. Empty when the session has no refresh token. A
     * {@link ConnectorException.Kind#SIGN_IN_REQUIRED} from {@code exchange} (the refresh token is dead) ends the
     * session.
     */
    default Optional<IdJag> withRefreshToken(Function<String, IdJagExchange.ViaRefreshToken> exchange) {
        return Optional.empty();
    }

    /** Forget any in-memory copy (after sign-in or sign-out). */
    default void reset() {
    }
}
