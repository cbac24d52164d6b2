package dev.xaa4j.connector.store;

import java.util.Optional;

/**
 * CONTRACT (implemented by the store work): the OS keyring through java-keyring (Keychain, Credential
 * Manager, Secret Service). Values above ~2 KB are split into chunks; failures (missing or locked keyring,
 * java-keyring's NullPointerExceptions) become {@link dev.xaa4j.connector.CredentialStoreException} naming
 * the remedy.
 */
public final class KeyringCredentialStore implements CredentialStore {

    /** @param service the keyring service name, e.g. {@code xaa4j} */
    public KeyringCredentialStore(String service) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public Optional<String> read(String key) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void write(String key, String value) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void delete(String key) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
