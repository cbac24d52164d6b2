package dev.xaa4j.connector.host.broker;

import dev.xaa4j.connector.internal.DaemonThreads;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Ends an on-demand session owner after an idle period (docs/architecture.md "One session owner per machine"):
 * idle means no client connected to its broker and no request for {@code idle}. The {@link BrokerServer} it is
 * given to reports its connections and each request; a broker rebuilt for a new configuration takes it over, so
 * the period spans the rebuild.
 *
 * <p>Thread-safe. One daemon thread ({@code xaa4j-idle-watch}) looks every {@code idle / 4} (at most every 5 s, at
 * least every 50 ms) and runs {@code onStop} once, on that thread, then stops looking. {@link #handOver()} (another
 * session owner takes over: the tray app) runs it at once instead, on a thread of its own.
 */
public final class IdleWatch implements AutoCloseable {

    private final Duration idle;
    private final java.util.function.Consumer<String> onStop;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile IntSupplier clients = () -> 0;
    private volatile long lastActivityNanos = System.nanoTime();

    /**
     * Starts watching.
     *
     * @param idle   how long without clients and requests before {@code onStop} runs (positive)
     * @param onStop what to do then (stop the owner), given why for a person ("no bridge and no request for 10 min",
     *               "another session owner takes over"); runs once
     */
    public IdleWatch(Duration idle, java.util.function.Consumer<String> onStop) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("the idle period must be positive, not " + idle);
        }
        this.idle = idle;
        this.onStop = Objects.requireNonNull(onStop);
        long every = Math.max(50, Math.min(5_000, idle.toMillis() / 4));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa4j-idle-watch"));
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** The idle period. */
    public Duration idle() {
        return idle;
    }

    /** A client connected, left or sent a request: the idle period starts again. */
    public void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Whose connections count from now on (the broker serving now). */
    void watch(IntSupplier connections) {
        this.clients = Objects.requireNonNull(connections);
        touch();
    }

    private void check() {
        if (clients.getAsInt() > 0) {
            touch();
            return;
        }
        if (System.nanoTime() - lastActivityNanos >= idle.toNanos() && fired.compareAndSet(false, true)) {
            timer.shutdown();
            onStop.accept("no bridge and no request for " + AgentLifetime.words(idle));
        }
    }

    /**
     * Another session owner takes over (the tray app started while this on-demand agent runs): {@code onStop} runs
     * now, on a new thread. False when it ran already (or this watch is closed).
     */
    public boolean handOver() {
        if (!fired.compareAndSet(false, true)) {
            return false;
        }
        timer.shutdown();
        DaemonThreads.start(() -> onStop.accept("another session owner takes over"), "xaa4j-hand-over");
        return true;
    }

    /** Whether {@code onStop} ran or runs now (idle, {@link #handOver()}) or the watch is closed: the agent is stopping. */
    public boolean fired() {
        return fired.get();
    }

    /** Stops watching; {@code onStop} does not run after this returns unless it is running already. */
    @Override
    public void close() {
        fired.set(true);
        timer.shutdownNow();
    }
}
