package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The authorization server rejected the ID-JAG ({@code invalid_grant}, docs/protocol.md §5: expired, replayed,
 * audience/client/resource mismatch). The renewal chain gets a new ID-JAG and retries once; a repeat becomes
 * {@link ConnectorException.Kind#ACCESS_DENIED}.
 */
public final class AssertionRejectedException extends ConnectorException {
    /** @param oauthError the AS's OAuth {@code error} code ({@code invalid_grant}) */
    public AssertionRejectedException(String server, String message, String oauthError) {
        super(ConnectorException.Kind.ACCESS_DENIED, server, message, oauthError, null);
    }
}
