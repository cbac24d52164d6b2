package dev.xaa4j.connector.internal.store;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A credential store that forgets everything when the process ends (tests, ephemeral agents). */
public final class MemoryCredentialStore implements CredentialStore {
    private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();

    @Override
    public Optional<String> read(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void write(String key, String value) {
        values.put(key, value);
    }

    @Override
    public void delete(String key) {
        values.remove(key);
    }
}
