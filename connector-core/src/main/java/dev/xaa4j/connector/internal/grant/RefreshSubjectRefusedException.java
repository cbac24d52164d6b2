package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;
import java.util.Set;

/**
 * The IdP refused its refresh token as {@code subject_token} of the token exchange (ID-JAG draft -04 §4.3.2 is
 * optional and not advertised; docs/protocol.md §4). What the renewal chain does next depends on {@link #code()}:
 * {@code unsupported_token_type} / {@code unsupported_grant_type} — the IdP does not take refresh tokens as subject:
 * remembered for the IdP; {@code invalid_request} (RFC 8693 §2.2.2: a subject token it will not take, or any other
 * fault of the request) — remembered only once the ID token is taken for the same exchange; {@code invalid_grant}
 * — the refresh token is dead or the IdP refuses this exchange: this exchange uses the ID token (whose own renewal
 * ends the session if the refresh token is dead) and nothing is remembered. Never deletes the session.
 */
public final class RefreshSubjectRefusedException extends ConnectorException {

    /** The OAuth error codes after which the ID token is tried instead. */
    static final Set<String> CODES = Set.of("invalid_request", "invalid_grant", "unsupported_token_type",
            "unsupported_grant_type");

    private final String detail;

    RefreshSubjectRefusedException(String code, String detail) {
        super(Kind.SUBJECT_TOKEN_REJECTED, null, "The IdP refused its refresh token as subject_token (" + detail + ")",
                code, null);
        this.detail = detail;
    }

    /** Whether the code says the IdP does not take refresh tokens as subject at all (no need to try again). */
    public boolean unsupported() {
        return "unsupported_token_type".equals(oauthError().orElse("")) || "unsupported_grant_type".equals(oauthError().orElse(""));
    }

    /** Whether the IdP found the request itself invalid ({@code invalid_request}): unsupported, if the ID token works. */
    public boolean invalidRequest() {
        return "invalid_request".equals(oauthError().orElse(""));
    }

    /** {@code code: error_description} as the IdP sent it. */
    public String detail() {
        return detail;
    }
}
