package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.internal.store.IdpSession;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/** One shared "keyring" entry and one machine-wide lock, as SessionStore provides them. */
final class FakeSessions implements SessionAccess {
    final AtomicReference<IdpSession> stored = new AtomicReference<>();
    final ReentrantLock lock;

    FakeSessions(ReentrantLock lock) {
        this.lock = lock;
    }

    @Override
    public Optional<IdpSession> load() {
        return Optional.ofNullable(stored.get());
    }

    @Override
    public void save(IdpSession session) {
        stored.set(session);
    }

    @Override
    public void delete() {
        stored.set(null);
    }

    @Override
    public <T> T withLock(Callable<T> action) throws Exception {
        lock.lock();
        try {
            return action.call();
        } finally {
            lock.unlock();
        }
    }
}
