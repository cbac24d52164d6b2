package dev.xaa4j.sample.dpop;

import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProofUse;
import com.nimbusds.oauth2.sdk.util.singleuse.AlreadyUsedException;
import com.nimbusds.oauth2.sdk.util.singleuse.SingleUseChecker;
import dev.xaa4j.sample.as.JtiReplayCache;
import java.time.Clock;
import java.time.Duration;

/**
 * Nimbus' single-use check of DPoP proofs over the issuer's {@link JtiReplayCache}: each proof's {@code jti} is
 * remembered per checking endpoint (the {@code DPoPIssuer} the verifier passes) for as long as the proof could still
 * be accepted, so a proof is used at most once (RFC 9449 §11.1). Thread-safe: the check and the marking are one
 * atomic step. The {@code jti} is a random identifier, not a secret.
 */
final class DPoPReplayCache implements SingleUseChecker<DPoPProofUse> {

    private final Clock clock;
    private final Duration keep;
    private final JtiReplayCache seen;

    DPoPReplayCache(Clock clock, Duration keep) {
        this.clock = clock;
        this.keep = keep;
        this.seen = new JtiReplayCache(clock, Duration.ZERO);
    }

    @Override
    public void markAsUsed(DPoPProofUse use) throws AlreadyUsedException {
        if (!seen.firstUse(use.getIssuer().getValue(), use.getJWTID().getValue(), clock.instant().plus(keep))) {
            throw new AlreadyUsedException("the DPoP proof (jti) was already used; make a new proof per request");
        }
    }
}
