package dev.xaa4j.connector;

/**
 * Discovery from the MCP server URL failed or returned metadata that must not be trusted (docs/protocol.md §6):
 * no {@code resource_metadata}, PRM {@code resource} mismatch, AS {@code issuer} mismatch, AS not the pinned
 * one, no jwt-bearer support, IdP without S256.
 */
public class DiscoveryException extends ConnectorException {
    public DiscoveryException(String message) {
        super(Kind.UPSTREAM_UNAVAILABLE, message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(Kind.UPSTREAM_UNAVAILABLE, message, cause);
    }
}
