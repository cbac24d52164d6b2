package dev.xaa4j.sample.as;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a workload JWT presented in the jwt-bearer grant (SEP-1933; RFC 7523 §3): issued by a trusted
 * workload issuer, signed with a key of that issuer's JWKS (fetched over HTTP, cached, refetched on an unknown
 * {@code kid}; RS256, PS256 or ES256), {@code typ} absent or {@code JWT} (never an ID-JAG), {@code aud} naming this
 * AS, {@code exp} and {@code iat} with {@link IdJagValidator#SKEW}, a lifetime of at most {@link #MAX_LIFETIME},
 * {@code sub} a workload of the policy, and {@code jti} used once. Every failure is {@code invalid_grant}.
 * Thread-safe.
 */
final class WorkloadJwtValidator {

    /** Workload tokens live longer than ID-JAGs (Kubernetes: 10 min to 1 h and more); still bounded. */
    static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private final String ownIssuer;
    private final Map<String, DefaultJWTProcessor<SecurityContext>> issuers = new LinkedHashMap<>();
    private final Policy.Headless policy;
    private final JtiReplayCache replayCache;
    private final Clock clock;

    /** @param trustedIssuers workload issuer → its JWKS URL */
    WorkloadJwtValidator(URI ownIssuer, Map<URI, URI> trustedIssuers, Policy.Headless policy, Clock clock) {
        this.ownIssuer = ownIssuer.toString();
        this.policy = policy;
        this.clock = clock;
        this.replayCache = new JtiReplayCache(clock, IdJagValidator.SKEW);
        trustedIssuers.forEach((iss, jwks) -> issuers.put(iss.toString(), IdJagValidator.processorFor(jwks,
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null))));
    }

    /** Whether {@code jwt} claims to come from a trusted workload issuer and is not an ID-JAG (unverified). */
    boolean claimsToBeWorkloadJwt(SignedJWT jwt) {
        if (IdJagValidator.ID_JAG_TYPE.equals(jwt.getHeader().getType())) {
            return false;
        }
        try {
            String iss = jwt.getJWTClaimsSet().getIssuer();
            return iss != null && issuers.containsKey(iss);
        } catch (ParseException e) {
            return false;
        }
    }

    /** Verifies {@code jwt} (see the class comment); returns the workload's policy entry. */
    Policy.Workload validate(SignedJWT jwt) throws GrantRejected {
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("workload JWT payload is not a JSON claims set");
        }
        String iss = claims.getIssuer();
        DefaultJWTProcessor<SecurityContext> processor = iss == null ? null : issuers.get(iss);
        if (processor == null) {
            throw invalid("workload JWT issuer is not a trusted workload issuer");
        }
        try {
            processor.process(jwt, null);
        } catch (KeySourceException e) {
            throw new GrantRejected(OAuth2Error.SERVER_ERROR,
                    "cannot fetch the JWKS of workload issuer '" + iss + "'; try again later");
        } catch (BadJOSEException | JOSEException e) {
            throw invalid("workload JWT signature does not verify with the published keys of '" + iss
                    + "' (or its typ/alg is not accepted)");
        }
        if (!claims.getAudience().contains(ownIssuer)) {
            throw invalid("workload JWT aud must name this authorization server '" + ownIssuer + "', got "
                    + claims.getAudience());
        }
        Instant exp = checkTimes(claims);
        String sub = claims.getSubject();
        Optional<Policy.Workload> workload = sub == null ? Optional.empty() : policy.workload(sub);
        if (workload.isEmpty()) {
            throw invalid("workload " + (sub == null ? "(no sub)" : "'" + sub + "'")
                    + " is not known to this authorization server's policy");
        }
        if (claims.getJWTID() == null || claims.getJWTID().isBlank()) {
            throw invalid("workload JWT has no jti; this authorization server requires single-use assertions");
        }
        if (!replayCache.firstUse(iss, claims.getJWTID(), exp)) {
            throw invalid("workload JWT jti has already been used; get a fresh token from the workload platform");
        }
        return workload.get();
    }

    private Instant checkTimes(JWTClaimsSet claims) throws GrantRejected {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            throw invalid("workload JWT must have exp and iat");
        }
        if (now.isAfter(exp.toInstant().plus(IdJagValidator.SKEW))) {
            throw invalid("workload JWT expired at " + exp.toInstant() + " (now " + now + ")");
        }
        if (iat.toInstant().isAfter(now.plus(IdJagValidator.SKEW))) {
            throw invalid("workload JWT iat " + iat.toInstant() + " is in the future (now " + now + ")");
        }
        if (exp.toInstant().isAfter(now.plus(MAX_LIFETIME))) {
            throw invalid("workload JWT lifetime is too long; at most " + MAX_LIFETIME.toHours() + " hours accepted");
        }
        return exp.toInstant();
    }

    private static GrantRejected invalid(String description) {
        return new GrantRejected(OAuth2Error.INVALID_GRANT, description);
    }
}
