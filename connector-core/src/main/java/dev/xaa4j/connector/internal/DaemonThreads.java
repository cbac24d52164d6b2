package dev.xaa4j.connector.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with names that say what they do ({@code xaa4j-renewal-3}), so a thread dump of a host reads
 * like docs/architecture.md "Threads" and no background thread of the connector keeps a JVM alive. Stateless;
 * the factories it returns are thread-safe.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, … */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> newThread(r, prefix + "-" + n.incrementAndGet());
    }

    /** A daemon thread named {@code name}, started. */
    public static Thread start(Runnable r, String name) {
        Thread t = newThread(r, name);
        t.start();
        return t;
    }

    /** A daemon thread named {@code name}, not started. */
    public static Thread newThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
