package dev.xaa4j.sample.idp;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Mints Identity Assertion JWT Authorization Grants (docs/protocol.md §2, §3.2 step 6): JOSE header
 * {@code typ: oauth-id-jag+jwt} (explicit typing, RFC 8725 §3.11), RS256, {@code kid}; claims {@code iss},
 * {@code sub}, {@code aud} = the AS issuer as a single string, {@code client_id} = the client's id at the AS,
 * a fresh {@code jti}, {@code iat}, a short {@code exp}, {@code resource}, {@code scope} (granted, space
 * separated), {@code email} and {@code auth_time}.
 */
final class IdJagMinter {

    static final JOSEObjectType TYPE = new JOSEObjectType("oauth-id-jag+jwt");

    private final URI issuer;
    private final SigningKeys keys;
    private final Clock clock;
    private final Duration ttl;

    IdJagMinter(URI issuer, SigningKeys keys, Clock clock, Duration ttl) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
        this.ttl = ttl;
    }

    Duration lifetime() {
        return ttl;
    }

    SignedJWT mint(Policy.User user, String audience, String asClientId, String resource, List<String> scopes,
                   Instant authTime) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer.toString())
                .subject(user.username())
                .audience(audience)
                .claim("client_id", asClientId)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("resource", resource)
                .claim("scope", String.join(" ", scopes))
                .claim("auth_time", authTime.getEpochSecond());
        if (user.email() != null) {
            claims.claim("email", user.email());
        }
        return IdTokenMinter.sign(TYPE, claims.build(), keys);
    }
}
