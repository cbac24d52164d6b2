package dev.xaa4j.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened, closed in reverse order when the test ends: a field {@code @AutoClose final Closer cleanup =
 * new Closer();} and {@code cleanup.add(…)} for each thing to close. Every close runs; the first failure is
 * thrown with the later ones suppressed. Not thread-safe (a test adds from its own thread).
 */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Closes {@code c} when this closer closes, before what was added earlier. */
    public void add(AutoCloseable c) {
        open.push(c);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
