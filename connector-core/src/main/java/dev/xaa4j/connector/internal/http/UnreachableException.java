package dev.xaa4j.connector.internal.http;

import dev.xaa4j.connector.ConnectorException;

/**
 * A peer (the IdP, an authorization server, an MCP server) could not be reached at all: no answer within the
 * timeout, no connection, or a TLS certificate this machine does not trust. Kind
 * {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}; unlike an answer such as HTTP 503, the message already
 * says what to check on this machine (the network or VPN, {@value Network#CA_BUNDLE}), so a host adds no hint of
 * its own. Immutable.
 */
public final class UnreachableException extends ConnectorException {

    public UnreachableException(String message, Throwable cause) {
        super(Kind.UPSTREAM_UNAVAILABLE, message, cause);
    }
}
