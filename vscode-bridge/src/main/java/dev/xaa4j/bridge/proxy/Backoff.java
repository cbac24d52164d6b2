package dev.xaa4j.bridge.proxy;

import java.time.Duration;

/**
 * The bridge's retry spacing toward a server: 1 s, doubling after each failure, at most 30 s; back to 1 s after
 * a success. Not thread-safe (each user guards or confines its own).
 */
final class Backoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private Duration next = FIRST;

    /** The wait before the next attempt; the one after it is twice as long (up to {@link #MAX}). */
    Duration next() {
        Duration d = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        return d;
    }

    void reset() {
        next = FIRST;
    }
}
