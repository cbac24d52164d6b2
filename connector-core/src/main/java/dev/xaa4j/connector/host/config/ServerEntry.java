package dev.xaa4j.connector.host.config;

import java.util.List;

/**
 * One named MCP server.
 *
 * @param url            the Streamable HTTP endpoint (also the RFC 9728 resource identifier)
 * @param pinnedAsIssuer if set, the only authorization server accepted for it (else discovered); may be null
 * @param scopes         scopes to ask for; empty = the server's {@code scopes_supported}
 * @param asClientId     our client id at its authorization server; may be null (then the IdP client id for EMA, and
 *                       a Client ID Metadata Document or dynamic registration for plain OAuth). When set it is also the
 *                       pre-registered client of the plain OAuth flow
 * @param auth           the flow ({@code "auto"}, {@code "ema"}, {@code "oauth"}, {@code "none"}); null = auto
 */
public record ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId, String auth) {
    public ServerEntry {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /** An entry whose flow is decided by discovery ({@code auto}). */
    public ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId) {
        this(url, pinnedAsIssuer, scopes, asClientId, null);
    }

    /** The configured flow ({@link dev.xaa4j.connector.AuthMode#AUTO} when unset). */
    public dev.xaa4j.connector.AuthMode authMode() {
        return auth == null ? dev.xaa4j.connector.AuthMode.AUTO : dev.xaa4j.connector.AuthMode.of(auth);
    }

    /** This entry with {@code mode} ({@link dev.xaa4j.connector.AuthMode#AUTO} is stored as absent). */
    public ServerEntry withAuth(dev.xaa4j.connector.AuthMode mode) {
        return new ServerEntry(url, pinnedAsIssuer, scopes, asClientId,
                mode == dev.xaa4j.connector.AuthMode.AUTO ? null : mode.word());
    }
}
