package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The authorization server rejected the ID-JAG ({@code invalid_grant}, docs/protocol.md §5: expired, replayed,
 * audience/client/resource mismatch). The renewal chain gets a new ID-JAG and retries once; a repeat becomes
 * {@link dev.xaa4j.connector.AccessDeniedException}.
 */
public final class AssertionRejectedException extends ConnectorException {
    public AssertionRejectedException(String message) {
        super(ConnectorException.Kind.ACCESS_DENIED, message);
    }
}
