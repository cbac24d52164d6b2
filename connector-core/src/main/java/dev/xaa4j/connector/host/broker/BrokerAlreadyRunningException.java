package dev.xaa4j.connector.host.broker;

/** Another broker (the tray app or {@code xaa agent}) already serves this user's socket. */
public class BrokerAlreadyRunningException extends BrokerException {
    public BrokerAlreadyRunningException(String message) {
        super(message);
    }
}
