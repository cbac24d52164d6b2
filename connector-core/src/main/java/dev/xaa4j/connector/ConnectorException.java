package dev.xaa4j.connector;

/**
 * Base of every error the connector reports. Subclasses name one thing a caller can act on; messages say
 * what to do next and never contain a token, code or secret.
 */
public class ConnectorException extends RuntimeException {
    public ConnectorException(String message) {
        super(message);
    }

    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
