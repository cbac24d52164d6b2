package dev.xaa4j.connector.host.broker;

/**
 * The broker has no server of that name (it was added to the configuration after the broker started, or the
 * client passed an ad-hoc URL). The client can serve that one server with its embedded connector.
 */
public class UnknownServerException extends BrokerException {
    public UnknownServerException(String message) {
        super(message);
    }
}
