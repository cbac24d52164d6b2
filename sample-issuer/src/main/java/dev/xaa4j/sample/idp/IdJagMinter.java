package dev.xaa4j.sample.idp;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import dev.xaa4j.sample.keys.JwtMinter;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Mints Identity Assertion JWT Authorization Grants (docs/protocol.md §2, §3.2 step 6): JOSE header
 * {@code typ: oauth-id-jag+jwt} (explicit typing, RFC 8725 §3.11), RS256, {@code kid}; claims {@code iss},
 * {@code sub}, {@code aud} = the AS issuer as a single string, {@code client_id} = the client's id at the AS,
 * a fresh {@code jti}, {@code iat}, a short {@code exp}, {@code resource}, {@code scope} (granted, space
 * separated), {@code email} and {@code auth_time}; {@code cnf.jkt} when the exchange carried a DPoP proof.
 */
final class IdJagMinter {

    static final JOSEObjectType TYPE = new JOSEObjectType("oauth-id-jag+jwt");

    private final JwtMinter jwt;

    IdJagMinter(URI issuer, SigningKeys keys, Clock clock, Duration ttl) {
        this.jwt = new JwtMinter(issuer, keys, clock, ttl);
    }

    Duration lifetime() {
        return jwt.lifetime();
    }

    /** @param proofKey the thumbprint of the token exchange's DPoP proof key, bound as {@code cnf.jkt} when present */
    SignedJWT mint(Policy.User user, String audience, String asClientId, String resource, List<String> scopes,
                   Instant authTime, Optional<JWKThumbprintConfirmation> proofKey) {
        JWTClaimsSet.Builder claims = jwt.claims(user.username())
                .audience(audience)
                .claim("client_id", asClientId)
                .jwtID(UUID.randomUUID().toString())
                .claim("resource", resource)
                .claim("scope", String.join(" ", scopes))
                .claim("auth_time", authTime.getEpochSecond());
        proofKey.ifPresent(k -> claims.claim(k.toJWTClaim().getKey(), k.toJWTClaim().getValue()));
        if (user.email() != null) {
            claims.claim("email", user.email());
        }
        return jwt.sign(TYPE, claims);
    }
}
