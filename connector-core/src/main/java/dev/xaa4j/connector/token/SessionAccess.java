package dev.xaa4j.connector.token;

import dev.xaa4j.connector.store.IdpSession;
import dev.xaa4j.connector.store.SessionStore;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The persisted IdP session (PROTOCOL.md §4: the only state persisted) of one (issuer, client id), as the renewal chain needs it: load, save, delete,
 * and run under the cross-process refresh lock. {@link #of(SessionStore, String, String)} adapts the
 * store; tests use an in-memory fake.
 */
public interface SessionAccess {
    Optional<IdpSession> load();

    void save(IdpSession session);

    void delete();

    <T> T withLock(Callable<T> action) throws Exception;

    static SessionAccess of(SessionStore store, String issuer, String clientId) {
        return new SessionAccess() {
            @Override
            public Optional<IdpSession> load() {
                return store.load(issuer, clientId);
            }

            @Override
            public void save(IdpSession session) {
                store.save(session);
            }

            @Override
            public void delete() {
                store.delete(issuer, clientId);
            }

            @Override
            public <T> T withLock(Callable<T> action) throws Exception {
                return store.withLock(issuer, clientId, action);
            }
        };
    }
}
