package dev.xaa4j.connector;

/**
 * No usable IdP session: never signed in, signed out, or the refresh token is dead (docs/protocol.md §4: the
 * renewal chain ends in interactive sign-in). Background renewal never opens a browser; it raises this.
 */
public class SignInRequiredException extends ConnectorException {
    public SignInRequiredException(String message) {
        super(Kind.SIGN_IN_REQUIRED, message);
    }

    public SignInRequiredException(String message, Throwable cause) {
        super(Kind.SIGN_IN_REQUIRED, message, cause);
    }
}
