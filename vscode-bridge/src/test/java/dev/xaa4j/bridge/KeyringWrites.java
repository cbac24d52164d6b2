package dev.xaa4j.bridge;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** A freshly started gnome-keyring on a loaded machine may refuse the very first write for a moment: a keyring write, tried again. */
final class KeyringWrites {

    private KeyringWrites() {
    }

    /**
     * Runs {@code write} (an {@code xaa} command that writes to the keyring) until it does not fail with "keyring is
     * locked", once a second for at most 30 s (each attempt is a new process); returns the last run.
     */
    static CommandRun retry(Callable<CommandRun> write) {
        AtomicReference<CommandRun> r = new AtomicReference<>();
        await("the keyring accepts the write").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    r.set(write.call());
                    return r.get().exit() == 0 || !r.get().out().contains("keyring is locked");
                });
        return r.get();
    }
}
