package dev.xaa4j.desktop;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Which tray balloons to show: at most one per subject per {@link #QUIET}, so several bridges noticing the same
 * thing make one balloon, while a different subject (a grouped "3 servers need you" right after a "Sign-in
 * needed") is shown at once, not dropped. Not thread-safe (the FX thread's).
 */
final class Balloons {

    /** How long a subject stays quiet after its balloon. */
    static final Duration QUIET = Duration.ofSeconds(30);

    private final Map<String, Long> shownAt = new HashMap<>();

    /**
     * Whether a balloon about {@code subject} may be shown at {@code nanoTime} ({@link System#nanoTime()}); if so,
     * it counts as shown.
     */
    boolean admit(String subject, long nanoTime) {
        Long at = shownAt.get(subject);
        if (at != null && nanoTime - at < QUIET.toNanos()) {
            return false;
        }
        shownAt.put(subject, nanoTime);
        return true;
    }
}
