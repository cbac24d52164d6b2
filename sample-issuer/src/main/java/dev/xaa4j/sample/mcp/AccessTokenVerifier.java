package dev.xaa4j.sample.mcp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies an MCP access token issued by our authorization server (RFC 9068 JWT, docs/protocol.md §3.4):
 * {@code typ} {@code at+jwt}, signature with the AS's JWKS (cached, refetched on an unknown {@code kid}),
 * {@code iss} == the AS issuer, {@code aud} contains this server's resource (no passthrough of tokens minted
 * for another server), {@code exp}.
 *
 * <p>No clock skew: the AS that mints the token and this server run in one process on one clock, and the
 * issuer's access-token lifetime is a setting precisely so tests can watch a token expire within seconds.
 */
final class AccessTokenVerifier implements TokenVerifier {

    static final Duration SKEW = Duration.ZERO;
    private static final Set<JWSAlgorithm> ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

    private final String asIssuer;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Clock clock;

    AccessTokenVerifier(URI asIssuer, URI asJwksUri, Clock clock) {
        this.asIssuer = asIssuer.toString();
        this.clock = clock;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(asJwksUri.toURL()).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("AS JWKS URI is not a URL: " + asJwksUri, e);
        }
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGS, keys));
        processor.setJWTClaimsSetVerifier((claims, ctx) -> { }); // checked below, with our Clock
    }

    /** Returns the caller if {@code token} is valid for {@code resource}. */
    @Override
    public Principal verify(String token, URI resource) throws InvalidAccessToken {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidAccessToken("the access token is not a JWT");
        } catch (KeySourceException e) {
            throw new InvalidAccessToken("the authorization server's keys cannot be fetched");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidAccessToken("the access token's type or signature is not valid");
        }
        if (!asIssuer.equals(claims.getIssuer())) {
            throw new InvalidAccessToken("the access token was not issued by " + asIssuer);
        }
        if (!claims.getAudience().contains(resource.toString())) {
            throw new InvalidAccessToken("the access token is not for " + resource);
        }
        Date exp = claims.getExpirationTime();
        Instant now = clock.instant();
        if (exp == null || now.isAfter(exp.toInstant().plus(SKEW))) {
            throw new InvalidAccessToken("the access token has expired");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(SKEW))) {
            throw new InvalidAccessToken("the access token is issued in the future");
        }
        try {
            String sub = claims.getStringClaim("sub");
            String clientId = claims.getStringClaim("client_id");
            String scope = claims.getStringClaim("scope");
            if (sub == null || clientId == null) {
                throw new InvalidAccessToken("the access token lacks sub or client_id");
            }
            List<String> scopes = scope == null ? List.of()
                    : Arrays.stream(scope.trim().split(" +")).filter(s -> !s.isEmpty()).toList();
            return new Principal(sub, clientId, scopes, claims.getAudience(), claims.getIssuer());
        } catch (ParseException e) {
            throw new InvalidAccessToken("the access token has malformed claims");
        }
    }
}
