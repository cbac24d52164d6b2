package dev.xaa4j.connector.internal.discovery;

import dev.xaa4j.connector.ConnectorException;

/**
 * The URL a person configured is itself wrong (docs/protocol.md §2): the IdP issuer or the MCP server URL is not
 * usable, the IdP publishes no OpenID configuration under that issuer, or it announces another issuer (OpenID
 * Connect Discovery §4.3). Kind {@link ConnectorException.Kind#CONFIGURATION}; setting the URL again fixes it,
 * which is what a host tells the person. Immutable.
 */
public final class ConfiguredUrlException extends ConnectorException {

    public ConfiguredUrlException(String message) {
        super(Kind.CONFIGURATION, message);
    }
}
