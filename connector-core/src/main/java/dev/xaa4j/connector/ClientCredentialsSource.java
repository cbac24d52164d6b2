package dev.xaa4j.connector;

import com.nimbusds.jose.jwk.JWK;
import dev.xaa4j.connector.internal.store.CredentialStore;
import java.util.Optional;

/**
 * Where client secrets and private keys come from: the OS keyring ({@link #keyring(CredentialStore)}) or the
 * caller (admin policy, a secrets manager). Secrets are never fields of configuration records (docs/protocol.md
 * §7: no secrets embedded in distributed native apps).
 *
 * <p>{@code issuer} is the issuer of the token endpoint's server (the IdP issuer or the AS issuer), so one
 * source can serve several parties. Implementations must be thread-safe; they are called on every token
 * request that needs them (keys may rotate).
 */
public interface ClientCredentialsSource {

    /** The client secret for {@code client_secret_basic} / {@code client_secret_post}. */
    Optional<String> clientSecret(String issuer, String clientId);

    /** A private JWK (RSA or EC P-256) for {@code private_key_jwt}. */
    default Optional<JWK> signingKey(String issuer, String clientId) {
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
     * Secrets and keys stored in the credential store under {@code client-secret|<issuer>|<clientId>} and
     * {@code client-key|<issuer>|<clientId>} (a private JWK as JSON).
     */
    static ClientCredentialsSource keyring(CredentialStore store) {
        return new ClientCredentialsSource() {
            @Override
            public Optional<String> clientSecret(String issuer, String clientId) {
                return store.read(secretKey(issuer, clientId));
            }

            @Override
            public Optional<JWK> signingKey(String issuer, String clientId) {
                return store.read("client-key|" + issuer + "|" + clientId).map(json -> {
                    try {
                        return JWK.parse(json);
                    } catch (java.text.ParseException e) {
                        throw new ConfigurationException("The stored private key of client " + clientId
                                + " is not a JWK; store it again");
                    }
                });
            }
        };
    }

    /** The credential-store key under which {@link #keyring(CredentialStore)} looks up a client secret. */
    static String secretKey(String issuer, String clientId) {
        return "client-secret|" + issuer + "|" + clientId;
    }

    /** Convenience for tests and the conformance seam: one secret per client id, any issuer. */
    static ClientCredentialsSource ofSecrets(java.util.Map<String, String> secretsByClientId) {
        java.util.Map<String, String> copy = java.util.Map.copyOf(secretsByClientId);
        return (issuer, clientId) -> Optional.ofNullable(copy.get(clientId));
    }
}
