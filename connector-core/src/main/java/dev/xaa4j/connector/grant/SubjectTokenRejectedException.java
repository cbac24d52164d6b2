package dev.xaa4j.connector.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The IdP rejected the ID token offered as {@code subject_token} ({@code invalid_grant} or
 * {@code invalid_request}, PROTOCOL.md §5 first two rows). The renewal chain renews the ID token and retries
 * once; a repeat becomes {@link dev.xaa4j.connector.AccessDeniedException}.
 */
public final class SubjectTokenRejectedException extends ConnectorException {
    public SubjectTokenRejectedException(String message) {
        super(message);
    }
}
