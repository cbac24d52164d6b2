package dev.xaa4j.connector.internal.token;

import java.util.Objects;

/**
 * What an access token is valid for (docs/protocol.md §4 table, last row): the IdP that vouched for the user, the
 * AS that issued it, the resource it is audience-restricted to, and the scopes requested (sorted,
 * space-separated). Two requests with equal keys may share one token.
 */
public record TokenKey(String idpIssuer, String asIssuer, String resource, String scopes) {
    public TokenKey {
        Objects.requireNonNull(idpIssuer, "idpIssuer");
        Objects.requireNonNull(asIssuer, "asIssuer");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scopes, "scopes");
    }
}
