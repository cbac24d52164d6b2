package dev.xaa4j.connector.internal.store;

import dev.xaa4j.connector.ConnectorException;
import java.util.Optional;

/**
 * Where secrets live: the OS keyring ({@link KeyringCredentialStore}, default) or memory
 * ({@link MemoryCredentialStore}). Values may be of any size. Implementations are thread-safe.
 */
public interface CredentialStore {

    /** The value stored under {@code key}, if any. */
    Optional<String> read(String key);

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    void write(String key, String value);

    /** Removes {@code key}; absent keys are ignored. */
    void delete(String key);
}
