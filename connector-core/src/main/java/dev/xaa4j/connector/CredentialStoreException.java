package dev.xaa4j.connector;

/**
 * The OS keyring is missing, locked or refused the operation. The message names the remedy (e.g. unlock the
 * login keyring, install a Secret Service provider). There is never a plaintext fallback.
 */
public class CredentialStoreException extends ConnectorException {
    public CredentialStoreException(String message) {
        super(Kind.CREDENTIAL_STORE, message);
    }

    public CredentialStoreException(String message, Throwable cause) {
        super(Kind.CREDENTIAL_STORE, message, cause);
    }
}
