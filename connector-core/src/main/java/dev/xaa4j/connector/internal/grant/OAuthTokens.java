package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.AccessToken;
import java.util.Optional;

/**
 * A successful answer of an authorization server's token endpoint to an authorization code or refresh token grant
 * (RFC 6749 §5.1). {@link #toString()} never prints a token. Immutable.
 *
 * @param accessToken  the access token, its type, absolute expiry and granted scopes (absent {@code scope} ⇒ the
 *                     requested set)
 * @param refreshToken the refresh token, when the AS issued one (never assumed)
 */
public record OAuthTokens(AccessToken accessToken, Optional<String> refreshToken) {

    @Override
    public String toString() {
        return "OAuthTokens[" + accessToken + ", refreshToken=" + (refreshToken.isPresent() ? "<redacted>" : "none") + "]";
    }
}
