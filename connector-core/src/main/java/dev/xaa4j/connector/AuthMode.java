package dev.xaa4j.connector;

/**
 * How the connector obtains tokens for one MCP server (docs/architecture.md "Choosing the flow"; the MCP
 * authorization spec 2025-11-25 and 2026-07-28; Enterprise-Managed Authorization, docs/protocol.md).
 *
 * <p>As configuration ({@link ServerConfig#auth()}) {@link #AUTO} lets discovery decide; the other values force
 * one flow. As status ({@link ServerStatus#flow()}) {@link #AUTO} means "not decided yet" (the server has not
 * been contacted), the other values the flow in use.
 */
public enum AuthMode {
    /**
     * Decide from discovery: an IdP is configured and the server's authorization server redeems ID-JAGs →
     * {@link #EMA}; a server that answers the first, unauthenticated request without asking for a token (no 401 or
     * 403) → {@link #NONE} (a later 401 decides again); otherwise → {@link #OAUTH}. After the IdP <em>denied</em> an EMA exchange the decision stays
     * {@link #EMA}: the administrator's refusal is shown, never bypassed by a per-server sign-in.
     */
    AUTO,
    /** Enterprise-Managed Authorization: ID token → ID-JAG (RFC 8693) → access token (RFC 7523); no per-server consent. */
    EMA,
    /**
     * Plain MCP authorization: a per-server sign-in in the system browser (authorization code + PKCE, RFC 6749 §4.1,
     * RFC 7636, RFC 8707 {@code resource}), then silent renewal with the authorization server's refresh token.
     */
    OAUTH,
    /** The server takes no token: requests are sent without {@code Authorization}. */
    NONE,
    /**
     * A headless agent with no person: the OAuth client credentials grant (RFC 6749 §4.4; MCP extension
     * {@code io.modelcontextprotocol/oauth-client-credentials}, SEP-1046) with a pre-registered client
     * ({@link ServerConfig#oauthClientId()}) authenticated by {@code client_secret_basic} or {@code private_key_jwt}.
     * Never chosen by {@link #AUTO}.
     */
    CLIENT_CREDENTIALS,
    /**
     * A headless workload: the jwt-bearer grant (RFC 7523 §2.1; SEP-1933 workload identity federation) with a
     * platform-issued JWT ({@link ServerConfig#workloadToken()}); no registration, no browser. Never chosen by
     * {@link #AUTO}.
     */
    WORKLOAD;

    /** The configuration word: {@code auto}, {@code ema}, {@code oauth}, {@code none}, {@code client-credentials}, {@code workload}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The mode named by a configuration word (case-insensitive).
     *
     * @throws IllegalArgumentException for any other word; the message lists the accepted ones
     */
    public static AuthMode of(String word) {
        for (AuthMode m : values()) {
            if (m.word().equalsIgnoreCase(word == null ? "" : word.trim().replace('_', '-'))) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown auth mode '" + word + "': use auto, ema, oauth, none, client-credentials or workload");
    }
}
