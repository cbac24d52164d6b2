package dev.xaa4j.connector.internal.token;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When {@link TokenManager} renews (docs/protocol.md §4 "proactive, with jitter").
 *
 * <p>Renewal margin for a token of lifetime {@code L}: {@code max(minMargin, marginFraction × L)}, but never
 * more than half the lifetime (then {@code marginFraction × L}): a 1 h token renews 12 min early, a 5 min
 * token 60 s early, a 5 s token 1 s early. A random extra of up to {@code jitterFraction} of the margin
 * spreads renewals of many processes. A cached token is handed out only while it has more than
 * {@code min(minRemaining, L / 50)} left (100 ms for a 5 s token).
 *
 * @param minMargin        lower bound of the margin (default 60 s)
 * @param marginFraction   fraction of the lifetime (default 0.2)
 * @param jitterFraction   extra random margin as a fraction of the margin (default 0.1)
 * @param minRemaining     a cached token is not handed out with less than this left (default 5 s)
 * @param idleAfter        a server not used for this long is not renewed in the background (default 15 min)
 * @param deniedRetryAfter after a denial or configuration error, callers get the error without a new attempt
 *                         for this long (no retry storm; default 60 s)
 * @param backoffMin       first back-off after a transient failure (default 1 s), doubling, jittered
 * @param backoffMax       back-off cap (default 60 s)
 * @param callerWait       how long a caller with no valid token waits for a renewal (default 30 s)
 */
public record RenewalPolicy(Duration minMargin, double marginFraction, double jitterFraction, Duration minRemaining,
                            Duration idleAfter, Duration deniedRetryAfter, Duration backoffMin, Duration backoffMax,
                            Duration callerWait) {

    public static RenewalPolicy defaults() {
        return new RenewalPolicy(Duration.ofSeconds(60), 0.2, 0.1, Duration.ofSeconds(5), Duration.ofMinutes(15),
                Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    public RenewalPolicy withDeniedRetryAfter(Duration d) {
        return new RenewalPolicy(minMargin, marginFraction, jitterFraction, minRemaining, idleAfter, d, backoffMin,
                backoffMax, callerWait);
    }

    public RenewalPolicy withBackoff(Duration min, Duration max) {
        return new RenewalPolicy(minMargin, marginFraction, jitterFraction, minRemaining, idleAfter, deniedRetryAfter,
                min, max, callerWait);
    }

    public RenewalPolicy withCallerWait(Duration d) {
        return new RenewalPolicy(minMargin, marginFraction, jitterFraction, minRemaining, idleAfter, deniedRetryAfter,
                backoffMin, backoffMax, d);
    }

    /** Milliseconds before expiry at which renewal starts, without jitter. */
    long marginMillis(long lifetimeMillis) {
        long fraction = (long) (marginFraction * lifetimeMillis);
        long m = Math.max(minMargin.toMillis(), fraction);
        return m > lifetimeMillis / 2 ? fraction : m;
    }

    long jitterMillis(long marginMillis) {
        long bound = (long) (marginMillis * jitterFraction);
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
    }

    long minRemainingMillis(long lifetimeMillis) {
        return Math.min(minRemaining.toMillis(), lifetimeMillis / 50);
    }

    /** Back-off after the n-th consecutive transient failure (n ≥ 1): exponential, capped, "equal jitter". */
    long backoffMillis(int n) {
        long base = backoffMin.toMillis() << Math.min(20, Math.max(0, n - 1));
        long capped = Math.min(backoffMax.toMillis(), base);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
}
