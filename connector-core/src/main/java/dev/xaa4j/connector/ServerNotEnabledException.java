package dev.xaa4j.connector;

/**
 * The IdP answered {@code invalid_target}: your administrator has not enabled this MCP server (its
 * authorization server or resource) for enterprise-managed access (docs/protocol.md §5).
 */
public class ServerNotEnabledException extends ConnectorException {
    private final String server;

    public ServerNotEnabledException(String server, String message) {
        super(Kind.SERVER_NOT_ENABLED, message);
        this.server = server;
    }

    public String server() {
        return server;
    }
}
