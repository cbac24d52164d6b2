package dev.xaa4j.sample.dpop;

import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProofUse;
import com.nimbusds.oauth2.sdk.util.singleuse.AlreadyUsedException;
import com.nimbusds.oauth2.sdk.util.singleuse.SingleUseChecker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers each DPoP proof's {@code jti} per checking endpoint for as long as the proof could still be accepted
 * (its maximum age plus the clock skew), so a proof is used at most once (RFC 9449 §11.1). Thread-safe: the check
 * and the marking are one atomic {@code putIfAbsent}. Only the SHA-256 digest Nimbus hands over would matter; the
 * {@code jti} is a random identifier, not a secret.
 */
final class DPoPReplayCache implements SingleUseChecker<DPoPProofUse> {

    private final Clock clock;
    private final Duration keep;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    DPoPReplayCache(Clock clock, Duration keep) {
        this.clock = clock;
        this.keep = keep;
    }

    @Override
    public void markAsUsed(DPoPProofUse use) throws AlreadyUsedException {
        Instant now = clock.instant();
        seen.values().removeIf(forgetAfter -> forgetAfter.isBefore(now));
        String key = use.getIssuer().getValue() + '\0' + use.getJWTID().getValue();
        if (seen.putIfAbsent(key, now.plus(keep)) != null) {
            throw new AlreadyUsedException("the DPoP proof (jti) was already used; make a new proof per request");
        }
    }
}
