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
    NONE;

    /** The configuration word: {@code auto}, {@code ema}, {@code oauth}, {@code none}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The mode named by a configuration word (case-insensitive).
     *
     * @throws IllegalArgumentException for any other word; the message lists the accepted ones
     */
    public static AuthMode of(String word) {
        for (AuthMode m : values()) {
            if (m.word().equalsIgnoreCase(word == null ? "" : word.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown auth mode '" + word + "': use auto, ema, oauth or none");
    }
}
