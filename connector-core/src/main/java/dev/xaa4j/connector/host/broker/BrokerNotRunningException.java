package dev.xaa4j.connector.host.broker;

/**
 * No broker is listening (no socket, or a stale one), or the one we talked to went away. Not an error for a
 * bridge: it falls back to its embedded connector.
 */
public class BrokerNotRunningException extends BrokerException {
    public BrokerNotRunningException(String message) {
        super(message);
    }

    public BrokerNotRunningException(String message, Throwable cause) {
        super(message, cause);
    }
}
