package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

/**
 * The persisted IdP session (docs/protocol.md §4: the only state persisted) of one (issuer, client id), as the renewal chain needs it: load, save, delete,
 * and run under the cross-process refresh lock. {@link #of(SessionStore, String, String)} adapts the
 * store; tests use an in-memory fake.
 *
 * <p>Concurrency contract (that of {@link SessionStore}): {@link #withLock} is the single flight for the
 * session, per machine; it waits without a deadline for the holder (an IdP refresh, bounded by its HTTP
 * timeout) and runs the action on the calling thread. {@link #replace} (sign-in) and {@link #end} (sign-out)
 * change the session and advance the {@linkplain #generation generation} under that lock, so an IdP refresh in
 * flight either completes before them or, waiting, finds the new state; it never overwrites a newer sign-in nor
 * stores a session after a sign-out. The {@code changed} callback runs on the calling thread, lock held: the
 * epoch advances ({@link SessionEpoch#changedHere}) before any other thread can read the new session.
 */
public interface SessionAccess {
    Optional<IdpSession> load();

    void save(IdpSession session);

    void delete();

    <T> T withLock(Callable<T> action) throws Exception;

    /**
     * The machine-wide session generation (see {@link SessionStore#generation}): it changes whenever a sign-in
     * or sign-out replaces the session, in any process. Default: always 0 (no cross-process signal).
     */
    default long generation() {
        return 0;
    }

    /** Advances the generation; called holding {@link #withLock}. Default: no-op returning {@link #generation()}. */
    default long advanceGeneration() {
        return generation();
    }

    /**
     * Sign-in: stores {@code session} under the refresh lock, so an IdP refresh in flight (which holds it) cannot
     * overwrite or delete it afterwards, and advances the generation; {@code changed} gets the new generation
     * while the lock is still held.
     */
    default void replace(IdpSession session, LongConsumer changed) {
        locked(() -> {
            save(session);
            changed.accept(advanceGeneration());
            return null;
        });
    }

    /**
     * Sign-out: deletes the session under the refresh lock (waiting for a refresh in flight, which would
     * otherwise store it again) and advances the generation; {@code changed} gets the new generation while the
     * lock is still held. Returns the session that was stored, if any.
     */
    default Optional<IdpSession> end(LongConsumer changed) {
        return locked(() -> {
            Optional<IdpSession> ended = load();
            delete();
            changed.accept(advanceGeneration());
            return ended;
        });
    }

    private <T> T locked(Callable<T> action) {
        try {
            return withLock(action);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The caller gave up, nothing upstream failed; no kind says so, and "try again" is its remedy.
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Interrupted while waiting for the session lock");
        } catch (Exception e) { // the session's lock file (SessionStore#withLock): local storage, not the IdP
            throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, "Cannot change the IdP session: "
                    + e.getMessage() + "; check that the xaa4j state directory is writable by you", e);
        }
    }

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

            @Override
            public long generation() {
                return store.generation(issuer, clientId);
            }

            @Override
            public long advanceGeneration() {
                return store.advanceGeneration(issuer, clientId);
            }
        };
    }
}
