package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AccessToken;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a cached hit of {@link TokenManager#token} costs, counted rather than timed: exactly one clock read and no
 * allocation (the throughput gate is {@code benchmarks/run-cached-hit.sh}).
 */
@Timeout(20)
class CachedHitTest {

    /** A fixed clock that counts the {@link #millis()} reads made by one thread, without allocating. */
    static final class CountingClock extends Clock {
        final long now = Instant.parse("2026-11-22T00:00:00Z").toEpochMilli();
        volatile Thread counted;
        long reads;

        @Override
        public long millis() {
            if (Thread.currentThread() == counted) {
                reads++;
            }
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    static final int HITS = 100_000;

    final CountingClock clock = new CountingClock();
    final FakeFetcher fetcher = new FakeFetcher(clock, Duration.ofMinutes(5));
    final TokenManager tokens = new TokenManager(fetcher, clock, RenewalPolicy.defaults(), e -> { }, "notes"::equals);

    @AfterEach
    void close() {
        tokens.close();
    }

    @Test
    void aCachedHitReadsTheClockOnce() {
        AccessToken warm = tokens.token("notes");
        clock.counted = Thread.currentThread();

        int same = 0;
        for (int i = 0; i < HITS; i++) {
            same += tokens.token("notes") == warm ? 1 : 0;
        }

        assertThat(same).isEqualTo(HITS);
        assertThat(clock.reads).isEqualTo(HITS);
        assertThat(fetcher.calls).hasValue(1);
    }

    /**
     * The bytes this thread allocated so far ({@code com.sun.management.ThreadMXBean}), looked up reflectively:
     * connector-core's module descriptor, which its tests are compiled against, does not read java.management.
     */
    static long allocatedBytes(Object threads, Method allocated) throws ReflectiveOperationException {
        return (long) allocated.invoke(threads);
    }

    @Test
    void aCachedHitAllocatesNothing() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        allocatedBytes(threads, allocated);
        AccessToken warm = tokens.token("notes");
        int same = 0;
        for (int i = 0; i < HITS; i++) { // the same loop once first, so that what it loads is loaded
            same += tokens.token("notes") == warm ? 1 : 0;
        }

        long before = allocatedBytes(threads, allocated);
        for (int i = 0; i < HITS; i++) {
            same += tokens.token("notes") == warm ? 1 : 0;
        }
        long bytes = allocatedBytes(threads, allocated) - before;

        assertThat(same).isEqualTo(2 * HITS);
        assertThat(bytes).as("bytes allocated by %d cached hits (one allocating hit would make it 1.6 MB)", HITS)
                .isLessThan(1_024);
    }
}
