package dev.xaa4j.connector;

/**
 * A client that authenticates with a secret ({@code client_secret_basic} or {@code client_secret_post}) has none
 * ({@link ConnectorException.Kind#CONFIGURATION}): nothing in the keyring or the {@link ClientCredentialsSource}
 * for this issuer and client id. It carries both, so that an application can name its own way of storing the
 * secret. Immutable; thread-safe.
 */
public final class MissingClientSecretException extends ConnectorException {

    private final String issuer;
    private final String clientId;

    public MissingClientSecretException(String issuer, String clientId) {
        this(issuer, clientId, "store it in the keyring or provide it through a ClientCredentialsSource");
    }

    /**
     * @param howToProvide what to do, in the terms of the {@link ClientCredentialsSource} that has none (e.g. the
     *                     environment variable to set); it follows "No client secret for client ID at ISSUER: "
     */
    public MissingClientSecretException(String issuer, String clientId, String howToProvide) {
        this(issuer, clientId, "No client secret for client " + clientId + " at " + issuer + ": " + howToProvide, null);
    }

    private MissingClientSecretException(String issuer, String clientId, String message, Throwable cause) {
        super(Kind.CONFIGURATION, null, message, null, cause);
        this.issuer = issuer;
        this.clientId = clientId;
    }

    /** The issuer (IdP or authorization server) the secret is for. */
    public String issuer() {
        return issuer;
    }

    /** The client id without a secret. */
    public String clientId() {
        return clientId;
    }

    @Override
    public MissingClientSecretException withMessage(String message) {
        return new MissingClientSecretException(issuer, clientId, message, this);
    }
}
