package dev.xaa4j.connector.broker;

import dev.xaa4j.connector.ConnectorException;

/** The broker could not be used: a protocol error, a timeout, a refused request. Never carries a token. */
public class BrokerException extends ConnectorException {
    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
