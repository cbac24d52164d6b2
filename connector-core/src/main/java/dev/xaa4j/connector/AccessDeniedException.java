package dev.xaa4j.connector;

/**
 * The IdP refused the token exchange for this user and server ({@code access_denied}, repeated
 * {@code invalid_grant}): access was revoked or never granted (docs/protocol.md §5). Not retried automatically.
 */
public class AccessDeniedException extends ConnectorException {
    private final String server;

    public AccessDeniedException(String server, String message) {
        super(Kind.ACCESS_DENIED, message);
        this.server = server;
    }

    public String server() {
        return server;
    }
}
