package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The IdP rejected the token exchange request carrying the ID token as {@code subject_token}
 * ({@code invalid_grant} or {@code invalid_request}, RFC 8693 §2.2.2, docs/protocol.md §5 first two rows). The
 * renewal chain renews the ID token and retries once; what a repeat means depends on {@link #code()}:
 * {@code invalid_request} for a freshly renewed ID token = the IdP does not accept ID tokens as
 * {@code subject_token}, {@code invalid_grant} = the IdP will not issue an ID-JAG for this server to this user.
 */
public final class SubjectTokenRejectedException extends ConnectorException {
    private final String detail;

    /**
     * @param code   the OAuth {@code error} code the IdP sent (kept as {@link #oauthError()})
     * @param detail {@code code: error_description} as the IdP sent it (scrubbed of secrets)
     */
    public SubjectTokenRejectedException(String code, String detail, String message) {
        super(ConnectorException.Kind.SUBJECT_TOKEN_REJECTED, null, message, java.util.Objects.requireNonNull(code, "code"), null);
        this.detail = detail;
    }

    /** The OAuth {@code error} code: {@code invalid_request} or {@code invalid_grant}. */
    public String code() {
        return oauthError().orElseThrow();
    }

    /** {@code code: error_description} as the IdP sent it. */
    public String detail() {
        return detail;
    }
}
