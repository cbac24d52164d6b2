package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The IdP or the AS answered {@code invalid_scope} (RFC 6749 §5.2, docs/protocol.md §5): for the configured
 * scopes the renewal chain retries once without {@code scope}; for step-up scopes it does not (see
 * {@link dev.xaa4j.connector.ScopeDeniedException}). If the retry fails too, it is a configuration problem
 * ({@link ConnectorException.Kind#CONFIGURATION}).
 */
public final class ScopeRejectedException extends ConnectorException {
    private final String detail;

    /** @param detail {@code invalid_scope: error_description} as the party sent it */
    public ScopeRejectedException(String detail, String message) {
        super(Kind.CONFIGURATION, null, message, com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_SCOPE_CODE, null);
        this.detail = detail;
    }

    /** {@code invalid_scope: error_description} as the party sent it. */
    public String detail() {
        return detail;
    }
}
