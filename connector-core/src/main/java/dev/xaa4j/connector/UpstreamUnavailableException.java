package dev.xaa4j.connector;

/**
 * The IdP, the authorization server or the MCP server could not be reached or answered with a transient
 * failure (5xx, timeout, a non-JSON body such as a captive portal page). Tokens are kept; try again later.
 */
public class UpstreamUnavailableException extends ConnectorException {
    public UpstreamUnavailableException(String message) {
        super(Kind.UPSTREAM_UNAVAILABLE, message);
    }

    public UpstreamUnavailableException(String message, Throwable cause) {
        super(Kind.UPSTREAM_UNAVAILABLE, message, cause);
    }
}
