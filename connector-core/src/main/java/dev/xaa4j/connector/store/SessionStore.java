package dev.xaa4j.connector.store;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * CONTRACT (implemented by the store work): persists the {@link IdpSession} of one (IdP issuer, client id)
 * in a {@link CredentialStore} and serializes IdP refreshes across processes with a file lock in
 * {@code lockDir} (a 0700 per-user directory).
 */
public final class SessionStore {

    public SessionStore(CredentialStore store, Path lockDir) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Reads the session fresh from the store (never a stale in-memory copy). */
    public Optional<IdpSession> load(String issuer, String clientId) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Writes the whole session; on refresh-token rotation the new token is persisted by this call. */
    public void save(IdpSession session) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void delete(String issuer, String clientId) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Runs {@code action} holding an exclusive cross-process lock for this (issuer, client id) and an
     * in-process lock, so that one refresh at a time happens per machine. Callers re-read the session inside.
     */
    public <T> T withLock(String issuer, String clientId, Callable<T> action) throws Exception {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
