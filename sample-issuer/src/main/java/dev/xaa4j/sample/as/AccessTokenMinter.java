package dev.xaa4j.sample.as;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.keys.SigningKeys;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Issues the MCP access token as an RFC 9068 JWT: header {@code typ: at+jwt}, RS256 with a {@code kid};
 * claims {@code iss}, {@code sub}, {@code aud} (the one MCP resource, RFC 8707 audience restriction),
 * {@code client_id}, {@code scope}, {@code jti}, {@code iat}, {@code exp}.
 */
final class AccessTokenMinter {

    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    /** A freshly signed access token and what it grants. */
    record Minted(String value, String jti, Duration lifetime, List<String> scopes) {
    }

    private final URI issuer;
    private final SigningKeys keys;
    private final Duration ttl;
    private final Clock clock;

    AccessTokenMinter(URI issuer, SigningKeys keys, Duration ttl, Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.ttl = ttl;
        this.clock = clock;
    }

    Minted mint(String subject, String clientId, URI resource, List<String> scopes) {
        Instant now = clock.instant();
        String jti = UUID.randomUUID().toString();
        RSAKey key = keys.current();
        JWSHeader header = new JWSHeader.Builder(keys.algorithm()).type(AT_JWT).keyID(key.getKeyID()).build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer.toString())
                .subject(subject)
                .audience(resource.toString())
                .claim("client_id", clientId)
                .claim("scope", String.join(" ", scopes))
                .jwtID(jti)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return new Minted(jwt.serialize(), jti, ttl, scopes);
    }
}
