package dev.xaa4j.connector.testing;

import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.nio.file.Path;

/**
 * Child-JVM main: takes {@link SessionStore#withLock} for (issuer, clientId) in {@code lockDir}, prints
 * {@code LOCKED}, holds it for {@code holdMillis}, prints {@code RELEASING <epochMillis>} and releases.
 * Args: lockDir issuer clientId holdMillis.
 */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        SessionStore sessions = new SessionStore(new MemoryCredentialStore(), Path.of(args[0]));
        long hold = Long.parseLong(args[3]);
        sessions.withLock(args[1], args[2], () -> {
            System.out.println("LOCKED");
            System.out.flush();
            Thread.sleep(hold); // a fixture, not a wait: holds the lock for the time the test asked for
            System.out.println("RELEASING " + System.currentTimeMillis());
            System.out.flush();
            return null;
        });
    }
}
