package dev.xaa4j.connector;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Connector#signOut()} did. The session is always forgotten on this machine; {@code revocation}
 * tells whether the IdP ended it too (RFC 7009). Never contains a token value.
 *
 * @param user       who was signed in, if anyone
 * @param revocation what happened at the IdP
 * @param problem    why the IdP could not end the session, for a person (only with {@link Revocation#FAILED})
 */
public record SignOutResult(Optional<String> user, Revocation revocation, Optional<String> problem) {

    /** The IdP side of a sign-out. */
    public enum Revocation {
        /** The IdP revoked the refresh token (HTTP 200 from its {@code revocation_endpoint}, RFC 7009 §2.2). */
        REVOKED,
        /** The IdP advertises no {@code revocation_endpoint}: its session ends when it expires. */
        NOT_SUPPORTED,
        /** There was no refresh token (or no session) to revoke. */
        NOTHING_TO_REVOKE,
        /** The IdP could not be reached or refused; see {@link #problem()}. */
        FAILED
    }

    public SignOutResult {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(revocation, "revocation");
        Objects.requireNonNull(problem, "problem");
    }

    /** Whether the user should be warned (the IdP session may still be alive). */
    public boolean warning() {
        return revocation == Revocation.FAILED;
    }

    /** One line for a person: what happened and, when the IdP could not be told, what that means. */
    public String describe() {
        return switch (revocation) {
            case REVOKED -> "signed out (the IdP ended the session)";
            case NOT_SUPPORTED -> "signed out on this machine (the IdP offers no revocation endpoint; its session ends when it expires)";
            case NOTHING_TO_REVOKE -> "signed out on this machine";
            case FAILED -> "signed out on this machine; the IdP could not be reached: " + problem.orElse("unknown error")
                    + " (its session stays valid until it expires; sign out at the IdP's portal to end it now)";
        };
    }
}
