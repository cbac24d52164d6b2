package dev.xaa4j.sample.as;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import dev.xaa4j.sample.keys.JwtMinter;
import dev.xaa4j.sample.keys.SigningKeys;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues the MCP access token as an RFC 9068 JWT: header {@code typ: at+jwt}, RS256 with a {@code kid};
 * claims {@code iss}, {@code sub}, {@code aud} (the one MCP resource, RFC 8707 audience restriction),
 * {@code client_id}, {@code scope}, {@code jti}, {@code iat}, {@code exp}, and {@code cnf.jkt} when DPoP-bound.
 */
public final class AccessTokenMinter {

    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    /** A freshly signed access token and what it grants. */
    public record Minted(String value, String jti, Duration lifetime, List<String> scopes) {
    }

    private final JwtMinter jwt;

    public AccessTokenMinter(URI issuer, SigningKeys keys, Duration ttl, Clock clock) {
        this.jwt = new JwtMinter(issuer, keys, clock, ttl);
    }

    public Minted mint(String subject, String clientId, URI resource, List<String> scopes) {
        return mint(subject, clientId, resource, scopes, Optional.empty());
    }

    /**
     * As {@link #mint(String, String, URI, List)}, bound to a DPoP key when {@code cnf} is present: the token
     * then carries {@code cnf: {"jkt": <RFC 7638 thumbprint>}} (RFC 9449 §6.1).
     */
    public Minted mint(String subject, String clientId, URI resource, List<String> scopes,
                       Optional<JWKThumbprintConfirmation> cnf) {
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = jwt.claims(subject)
                .audience(resource.toString())
                .claim("client_id", clientId)
                .claim("scope", String.join(" ", scopes))
                .jwtID(jti);
        cnf.ifPresent(c -> claims.claim(c.toJWTClaim().getKey(), c.toJWTClaim().getValue()));
        return new Minted(jwt.sign(AT_JWT, claims).serialize(), jti, jwt.lifetime(), scopes);
    }
}
