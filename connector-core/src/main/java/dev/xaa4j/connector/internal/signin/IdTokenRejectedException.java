package dev.xaa4j.connector.internal.signin;

import dev.xaa4j.connector.SignInRequiredException;

/**
 * An ID token failed validation (docs/protocol.md §3.1): bad signature, unknown key, disallowed algorithm, wrong
 * issuer/audience/azp/nonce, expired or issued in the future. The session cannot be trusted, so the caller
 * must sign in again (hence a {@link SignInRequiredException}). The message never contains token bytes.
 */
public class IdTokenRejectedException extends SignInRequiredException {
    public IdTokenRejectedException(String message) {
        super(message);
    }

    public IdTokenRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
