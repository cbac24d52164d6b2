package dev.xaa4j.connector.internal.store;

import dev.xaa4j.connector.ClientCredentialsSource;
import java.util.Optional;

/**
 * The default {@link ClientCredentialsSource}: client secrets and private JWKs in a {@link CredentialStore}
 * under {@code client-secret|<issuer>|<clientId>} ({@link ClientCredentialsSource#secretKey}) and
 * {@code client-key|<issuer>|<clientId>}; a {@code private_key_jwt} client without a key of its own uses the
 * per-install key ({@link InstallClientKey#ENTRY}, made by {@code xaa key create}). Thread-safe as the store is.
 */
public final class KeyringClientCredentials implements ClientCredentialsSource {

    private final CredentialStore store;

    public KeyringClientCredentials(CredentialStore store) {
        this.store = store;
    }

    @Override
    public Optional<String> clientSecret(String issuer, String clientId) {
        return store.read(ClientCredentialsSource.secretKey(issuer, clientId));
    }

    @Override
    public Optional<String> signingKey(String issuer, String clientId) {
        return store.read("client-key|" + issuer + "|" + clientId).or(() -> store.read(InstallClientKey.ENTRY));
    }

    /** Whether {@code key} (a {@link #signingKey} answer of {@code source}) is this source's per-install key. */
    public static boolean isInstallKey(ClientCredentialsSource source, String key) {
        return source instanceof KeyringClientCredentials k && k.store.read(InstallClientKey.ENTRY).map(key::equals).orElse(false);
    }
}
