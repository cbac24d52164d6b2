package dev.xaa4j.connector;

/**
 * The connector or a party it talks to is misconfigured: unknown server name, wrong client credentials
 * ({@code invalid_client}), a grant the client may not use ({@code unauthorized_client},
 * {@code unsupported_grant_type}), a missing secret or key (docs/protocol.md §5). Retrying does not help; an
 * administrator has to fix the registration or the configuration.
 */
public class ConfigurationException extends ConnectorException {
    public ConfigurationException(String message) {
        super(Kind.CONFIGURATION, message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(Kind.CONFIGURATION, message, cause);
    }
}
