package dev.xaa4j.connector;

import java.util.Optional;

/**
 * Where client secrets and private keys come from: the OS keyring (the default, entries named by
 * {@link #secretKey}) or the caller (admin policy, a secrets manager). Secrets are never fields of configuration
 * records (docs/protocol.md §7: no secrets embedded in distributed native apps).
 *
 * <p>{@code issuer} is the issuer of the token endpoint's server (the IdP issuer or the AS issuer), so one
 * source can serve several parties. Implementations must be thread-safe; they are called on every token
 * request that needs them (keys may rotate).
 */
public interface ClientCredentialsSource {

    /** The client secret for {@code client_secret_basic} / {@code client_secret_post} (RFC 6749 §2.3.1). */
    Optional<String> clientSecret(String issuer, String clientId);

    /**
     * The private key for {@code private_key_jwt} (RFC 7523 §2.2): a private JWK, RSA or EC P-256, as its JSON
     * text (RFC 7517 §4). A value that is not such a key fails the token request with
     * {@link ConnectorException.Kind#CONFIGURATION}.
     */
    default Optional<String> signingKey(String issuer, String clientId) {
        return Optional.empty();
    }

    /**
     * The failure when {@link #clientSecret} has none for a client that needs one; a source overrides it to say
     * how a secret is given to it (the default names the keyring).
     */
    default MissingClientSecretException missingSecret(String issuer, String clientId) {
        return new MissingClientSecretException(issuer, clientId);
    }

    /** No secrets at all: only {@link ClientAuthMethod#NONE} works. */
    static ClientCredentialsSource none() {
        return (issuer, clientId) -> Optional.empty();
    }

    /**
     * The OS keyring entry (service {@link Connector#KEYRING_SERVICE}) under which the default source looks up a
     * client secret: {@code client-secret|<issuer>|<clientId>}; a private JWK is under
     * {@code client-key|<issuer>|<clientId>}.
     */
    static String secretKey(String issuer, String clientId) {
        return "client-secret|" + issuer + "|" + clientId;
    }

    /** Convenience for tests and the conformance seam: one secret per client id, any issuer. */
    static ClientCredentialsSource ofSecrets(java.util.Map<String, String> secretsByClientId) {
        java.util.Map<String, String> copy = java.util.Map.copyOf(secretsByClientId);
        return (issuer, clientId) -> Optional.ofNullable(copy.get(clientId));
    }
}
