package dev.xaa4j.connector.internal.signin;

import dev.xaa4j.connector.ConnectorException;

/**
 * An interactive sign-in did not complete: the IdP returned an error (e.g. {@code access_denied}), the
 * browser came back with a wrong {@code state} or {@code iss}, the code could not be redeemed, the user did
 * not finish within the timeout. The message is written for the person signing in.
 */
public class SignInFailedException extends ConnectorException {
    public SignInFailedException(String message) {
        super(ConnectorException.Kind.SIGN_IN_FAILED, message);
    }

    public SignInFailedException(String message, Throwable cause) {
        super(ConnectorException.Kind.SIGN_IN_FAILED, message, cause);
    }
}
