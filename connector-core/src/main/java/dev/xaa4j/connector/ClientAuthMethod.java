package dev.xaa4j.connector;

/**
 * How the connector authenticates as an OAuth client at a token endpoint (docs/protocol.md §1 steps 2–3,
 * §7 item 13). The MCP profile requires client authentication at the IdP token exchange; the AS leg uses
 * whatever the client is registered with.
 */
public enum ClientAuthMethod {
    /** Public client: {@code client_id} in the body only (e.g. a Client ID Metadata Document URL). */
    NONE,
    /** {@code Authorization: Basic base64(urlenc(id):urlenc(secret))} (RFC 6749 §2.3.1). */
    CLIENT_SECRET_BASIC,
    /** {@code client_id} and {@code client_secret} in the form body. */
    CLIENT_SECRET_POST,
    /** A signed client assertion (RFC 7523 §2.2) with a key from the {@link ClientCredentialsSource}. */
    PRIVATE_KEY_JWT
}
