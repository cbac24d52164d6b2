package dev.xaa4j.sample.as;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every ID-JAG {@code jti} until its {@code exp} (plus clock skew) has passed, so each ID-JAG is
 * redeemed at most once (also the DPoP proofs' {@code jti}s, {@code sample.dpop.DPoPReplayCache}) (MCP EMA profile §7: replay detection is REQUIRED). Identifiers are scoped by issuer:
 * two IdPs may pick the same {@code jti}.
 *
 * <p>Thread-safe: {@link #firstUse} is an atomic check-and-mark, so two concurrent redemptions of the same
 * ID-JAG cannot both succeed.
 */
public final class JtiReplayCache {

    private final Clock clock;
    private final Duration skew;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    /** @param skew how long past its expiry an identifier is still remembered */
    public JtiReplayCache(Clock clock, Duration skew) {
        this.clock = clock;
        this.skew = skew;
    }

    /** Returns {@code true} the first time {@code (issuer, jti)} is presented, {@code false} on replay. */
    public boolean firstUse(String issuer, String jti, Instant expiresAt) {
        Instant now = clock.instant();
        seen.values().removeIf(forgetAfter -> forgetAfter.isBefore(now));
        return seen.putIfAbsent(issuer + '\0' + jti, expiresAt.plus(skew)) == null;
    }

    int size() {
        return seen.size();
    }
}
