package dev.xaa4j.connector;

/**
 * Supplies the ID token that is exchanged for ID-JAGs (docs/protocol.md §1 step 2) when the caller, not the
 * connector, owns the IdP session: a test harness, the MCP conformance suite (which hands out an
 * {@code idp_id_token}), or a host application that already signed the user in. With such a source the
 * connector never opens a browser and never refreshes at the IdP; {@link Connector#signIn()} is refused.
 *
 * <p>Called from renewal threads; must be thread-safe. Throw a {@link ConnectorException} of kind {@link ConnectorException.Kind#SIGN_IN_REQUIRED} when no valid ID
 * token is available.
 */
@FunctionalInterface
public interface IdTokenSource {
    /** A currently valid, raw ID token (a JWT). */
    String idToken();
}
