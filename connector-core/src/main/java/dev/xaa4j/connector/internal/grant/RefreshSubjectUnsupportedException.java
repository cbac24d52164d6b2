package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;
import java.util.Set;

/**
 * The IdP does not take its refresh token as {@code subject_token} of the token exchange (ID-JAG draft -04
 * §4.3.2 is optional and not advertised): it answered {@code invalid_request} (RFC 8693 §2.2.2),
 * {@code unsupported_token_type} or {@code unsupported_grant_type}. The renewal chain remembers this for the IdP
 * and uses the ID token instead (docs/protocol.md §4).
 */
public final class RefreshSubjectUnsupportedException extends ConnectorException {

    /** The OAuth error codes that mean "no refresh-token subject here". */
    static final Set<String> CODES = Set.of("invalid_request", "unsupported_token_type", "unsupported_grant_type");

    private final String detail;

    RefreshSubjectUnsupportedException(String code, String detail) {
        super(Kind.SUBJECT_TOKEN_REJECTED, null, "The IdP does not take refresh tokens as subject_token (" + detail + ")",
                code, null);
        this.detail = detail;
    }

    /** {@code code: error_description} as the IdP sent it. */
    public String detail() {
        return detail;
    }
}
