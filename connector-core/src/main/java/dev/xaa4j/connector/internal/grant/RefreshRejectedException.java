package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The authorization server answered {@code invalid_grant} to a refresh token grant (RFC 6749 §5.2): the refresh
 * token is expired, revoked or rotated away. The caller deletes it and signs in again (interactive) or reports
 * {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED}.
 */
public final class RefreshRejectedException extends ConnectorException {

    public RefreshRejectedException(String server, String message) {
        super(Kind.SERVER_SIGN_IN_REQUIRED, server, message, com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_GRANT_CODE, null);
    }
}
