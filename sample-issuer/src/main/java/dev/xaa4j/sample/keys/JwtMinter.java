package dev.xaa4j.sample.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * What every JWT the sample issuer mints has in common (ID tokens, ID-JAGs, access tokens): {@code iss},
 * {@code sub}, {@code iat} now and {@code exp} one lifetime later; signed RS256 with the party's current key,
 * named in {@code kid}, and an explicit {@code typ} (RFC 8725 §3.11). Each minter adds its own claims.
 * Thread-safe (immutable; the keys are).
 */
public final class JwtMinter {

    private final URI issuer;
    private final SigningKeys keys;
    private final Clock clock;
    private final Duration ttl;

    /** @param ttl the lifetime of every token minted, {@code exp - iat} */
    public JwtMinter(URI issuer, SigningKeys keys, Clock clock, Duration ttl) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
        this.ttl = ttl;
    }

    public Duration lifetime() {
        return ttl;
    }

    /** New claims with {@code iss}, {@code sub} = {@code subject}, {@code iat} = now, {@code exp} = now + lifetime. */
    public JWTClaimsSet.Builder claims(String subject) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(issuer.toString())
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
    }

    /** Signs {@code claims} with the current key; header {@code alg}, {@code typ} = {@code type}, {@code kid}. */
    public SignedJWT sign(JOSEObjectType type, JWTClaimsSet.Builder claims) {
        RSAKey key = keys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(keys.algorithm()).type(type).keyID(key.getKeyID()).build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the key " + key.getKeyID(), e);
        }
        return jwt;
    }
}
