package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.internal.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's view of which IdP session it works for. {@link #current()} is a counter that changes on every
 * sign-in, sign-out or session replaced by another process; anything computed under an older value (an ID
 * token, an access token, a "sign in again" failure) is dropped by its holder rather than kept.
 *
 * <p>Other processes are noticed by polling the machine-wide generation ({@link SessionAccess#generation()}, a
 * small file next to the session lock) every {@code interval}; on a change the {@code onExternalChange} callback
 * runs on the poller's daemon thread. Thread-safe.
 */
public final class SessionEpoch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionEpoch.class);

    private final AtomicLong epoch = new AtomicLong();
    private final LongSupplier machineGeneration;
    private long seen; // guarded by this
    private ScheduledExecutorService poller;

    /** @param machineGeneration reads the machine-wide generation (cheap; called every interval) */
    public SessionEpoch(LongSupplier machineGeneration) {
        this.machineGeneration = machineGeneration;
        this.seen = machineGeneration.getAsLong();
    }

    /** The current epoch; a volatile read. */
    public long current() {
        return epoch.get();
    }

    /** This process replaced or ended the session and advanced the machine generation to {@code generation}. */
    public synchronized void changedHere(long generation) {
        seen = generation;
        epoch.incrementAndGet();
    }

    /**
     * Starts polling every {@code interval} (no polling when zero or negative). {@code onExternalChange} runs
     * after the epoch advanced because another process changed the session.
     */
    public synchronized void watch(Duration interval, Runnable onExternalChange) {
        if (interval.isZero() || interval.isNegative() || poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa4j-session-watch"));
        poller.scheduleWithFixedDelay(() -> {
            try {
                if (checkExternal()) {
                    onExternalChange.run();
                }
            } catch (RuntimeException e) {
                LOG.warn("session watch failed: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the machine generation now; advances the epoch and returns true when another process changed it. */
    public boolean checkExternal() {
        long g = machineGeneration.getAsLong();
        synchronized (this) {
            if (g == seen) {
                return false;
            }
            seen = g;
            epoch.incrementAndGet();
            return true;
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
