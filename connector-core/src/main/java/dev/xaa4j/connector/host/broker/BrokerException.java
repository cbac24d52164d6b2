package dev.xaa4j.connector.host.broker;

import dev.xaa4j.connector.ConnectorException;

/** The broker could not be used: a protocol error, a timeout, a refused request. Never carries a token. */
public class BrokerException extends ConnectorException {
    public BrokerException(String message) {
        super(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, message);
    }

    public BrokerException(String message, Throwable cause) {
        super(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, message, cause);
    }
}
