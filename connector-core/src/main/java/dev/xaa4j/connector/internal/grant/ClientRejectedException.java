package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.ConnectorException;

/**
 * The authorization server answered {@code invalid_client} (RFC 6749 §5.2): the client id is unknown there or its
 * authentication failed. A dynamically registered client is dropped on it (MCP authorization "Client Registration";
 * RFC 7591 §3.2.1 allows registrations to expire); a configured one is a
 * {@link ConnectorException.Kind#CONFIGURATION} problem.
 */
public final class ClientRejectedException extends ConnectorException {

    public ClientRejectedException(String server, String message) {
        super(Kind.CONFIGURATION, server, message, com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_CLIENT_CODE, null);
    }
}
