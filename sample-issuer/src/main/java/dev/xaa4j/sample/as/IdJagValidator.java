package dev.xaa4j.sample.as;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import dev.xaa4j.sample.policy.Policy;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies an ID-JAG presented in a jwt-bearer grant, in the order of docs/protocol.md §3.3 (RFC 7523 §3, draft
 * -04 §4.4.1, MCP EMA profile §7): explicit {@code typ}, algorithm allow-list, trusted issuer, signature with
 * that issuer's JWKS (fetched over HTTP, cached, refetched on an unknown {@code kid}), {@code aud},
 * {@code client_id}, {@code exp}/{@code iat}/{@code nbf} with {@link #SKEW}, the DPoP binding ({@code cnf.jkt}),
 * single use of {@code jti},
 * {@code resource} and {@code scope}. Every failure is {@code invalid_grant} with a precise description.
 */
final class IdJagValidator {

    static final JOSEObjectType ID_JAG_TYPE = new JOSEObjectType("oauth-id-jag+jwt");
    /** Asymmetric only: never {@code none}, never an HMAC (a shared secret would let the AS forge ID-JAGs). */
    static final Set<JWSAlgorithm> ALLOWED_ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    static final Duration SKEW = Duration.ofSeconds(60);
    /** ID-JAGs are short-lived (examples: 300 s); a longer one is refused and cannot bloat the replay cache. */
    static final Duration MAX_LIFETIME = Duration.ofHours(1);

    private final String ownIssuer;
    private final Map<String, DefaultJWTProcessor<SecurityContext>> trustedIssuers = new LinkedHashMap<>();
    private final Map<URI, Policy.Resource> resources;
    private final JtiReplayCache replayCache;
    private final Clock clock;

    /**
     * @param trustedIdps IdP issuer → its JWKS URL
     * @param resources   our MCP resource identifiers → their policy entries
     */
    IdJagValidator(URI ownIssuer, Map<URI, URI> trustedIdps, Map<URI, Policy.Resource> resources, Clock clock) {
        this.ownIssuer = ownIssuer.toString();
        this.resources = Map.copyOf(resources);
        this.clock = clock;
        this.replayCache = new JtiReplayCache(clock, SKEW);
        trustedIdps.forEach((iss, jwks) -> trustedIssuers.put(iss.toString(),
                processorFor(jwks, new DefaultJOSEObjectTypeVerifier<>(ID_JAG_TYPE))));
    }

    /** Verifies {@code typ} and the signature (an allowed alg, a key of {@code jwksUri}); claims are the caller's. */
    static DefaultJWTProcessor<SecurityContext> processorFor(URI jwksUri,
                                                             JOSEObjectTypeVerifier<SecurityContext> typ) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(jwksUri.toURL()).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("trusted IdP JWKS URI is not a URL: " + jwksUri, e);
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(typ);
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALLOWED_ALGS, keys));
        // Claims are checked below with our Clock and precise messages; the processor only verifies typ + signature.
        p.setJWTClaimsSetVerifier((claims, ctx) -> { });
        return p;
    }

    /**
     * Validates {@code assertion} for the client the token endpoint authenticated.
     *
     * @throws GrantRejected {@code invalid_grant} (or {@code server_error} when the IdP's keys cannot be fetched)
     */
    IdJag validate(JWT assertion, String authenticatedClient) throws GrantRejected {
        return validate(assertion, authenticatedClient, Optional.empty());
    }

    /**
     * As {@link #validate(JWT, String)}, with the thumbprint of the request's verified DPoP proof key, if any: an
     * ID-JAG carrying {@code cnf.jkt} is accepted only with a proof of that key (docs/protocol.md §3.3 item 11).
     */
    IdJag validate(JWT assertion, String authenticatedClient, Optional<JWKThumbprintConfirmation> proofKey)
            throws GrantRejected {
        SignedJWT jwt = requireSigned(assertion);
        JWSHeader header = jwt.getHeader();
        if (!ID_JAG_TYPE.equals(header.getType())) {
            throw invalid("ID-JAG header typ must be '" + ID_JAG_TYPE + "', got "
                    + (header.getType() == null ? "none" : "'" + header.getType() + "'"));
        }
        if (!ALLOWED_ALGS.contains(header.getAlgorithm())) {
            throw invalid("ID-JAG alg " + header.getAlgorithm() + " is not accepted; use one of RS256, PS256, ES256");
        }
        JWTClaimsSet claims = unverifiedClaims(jwt);
        String iss = claims.getIssuer();
        DefaultJWTProcessor<SecurityContext> processor = iss == null ? null : trustedIssuers.get(iss);
        if (processor == null) {
            throw invalid("ID-JAG issuer " + (iss == null ? "(missing)" : "'" + iss + "'") + " is not a trusted IdP");
        }
        verifySignature(processor, jwt, iss);

        List<String> aud = claims.getAudience();
        if (aud.size() != 1 || !ownIssuer.equals(aud.get(0))) {
            throw invalid("ID-JAG aud must be exactly this authorization server's issuer '" + ownIssuer
                    + "', got " + aud);
        }
        String clientId = stringClaim(claims, "client_id");
        if (!clientId.equals(authenticatedClient)) {
            throw invalid("ID-JAG client_id '" + clientId + "' is not the authenticated client '"
                    + authenticatedClient + "'");
        }
        String sub = stringClaim(claims, "sub");
        Instant exp = checkTimes(claims);
        String jti = stringClaim(claims, "jti");
        checkBinding(claims, proofKey);
        if (!replayCache.firstUse(iss, jti, exp)) {
            throw invalid("ID-JAG jti has already been used; request a new ID-JAG from the IdP");
        }
        URI resource = resource(claims);
        Policy.Resource spec = resources.get(resource);
        List<String> scopes = scopes(claims, resource, spec);
        return new IdJag(iss, sub, clientId, jti, exp, resource, spec, scopes);
    }

    /** An ID-JAG with {@code cnf} must name a {@code jkt}, and the request's DPoP proof must be of that key. */
    private static void checkBinding(JWTClaimsSet claims, Optional<JWKThumbprintConfirmation> proofKey)
            throws GrantRejected {
        if (claims.getClaim("cnf") == null) {
            return;
        }
        JWKThumbprintConfirmation bound = JWKThumbprintConfirmation.parse(claims);
        if (bound == null) {
            throw invalid("ID-JAG cnf has no jkt; only DPoP binding (cnf.jkt, RFC 9449 section 6.1) is supported");
        }
        if (proofKey.isEmpty()) {
            throw invalid("ID-JAG is DPoP-bound (cnf.jkt) but the token request carries no DPoP proof; send a "
                    + "proof signed with the key the ID-JAG was bound to");
        }
        if (!bound.equals(proofKey.get())) {
            throw invalid("ID-JAG is DPoP-bound to another key: the DPoP proof's key thumbprint does not match "
                    + "cnf.jkt");
        }
    }

    static SignedJWT requireSigned(JWT assertion) throws GrantRejected {
        if (assertion instanceof SignedJWT s) {
            return s;
        }
        if (assertion instanceof PlainJWT) {
            throw invalid("ID-JAG is unsigned (alg none); a signed ID-JAG is required");
        }
        if (assertion instanceof EncryptedJWT) {
            throw invalid("encrypted ID-JAGs are not supported by this authorization server");
        }
        throw invalid("assertion is not a JWT");
    }

    private static JWTClaimsSet unverifiedClaims(SignedJWT jwt) throws GrantRejected {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("ID-JAG payload is not a JSON claims set");
        }
    }

    private static void verifySignature(DefaultJWTProcessor<SecurityContext> processor, SignedJWT jwt, String iss)
            throws GrantRejected {
        try {
            processor.process(jwt, null);
        } catch (BadJOSEException e) {
            throw invalid("ID-JAG signature does not verify with the published keys of IdP '" + iss + "'");
        } catch (com.nimbusds.jose.KeySourceException e) {
            throw new GrantRejected(OAuth2Error.SERVER_ERROR,
                    "cannot fetch the JWKS of IdP '" + iss + "'; try again later");
        } catch (JOSEException e) {
            throw invalid("ID-JAG signature cannot be verified: " + e.getMessage());
        }
    }

    private Instant checkTimes(JWTClaimsSet claims) throws GrantRejected {
        Instant now = clock.instant();
        Instant exp = instant(claims.getExpirationTime(), "exp");
        Instant iat = instant(claims.getIssueTime(), "iat");
        if (now.isAfter(exp.plus(SKEW))) {
            throw invalid("ID-JAG expired at " + exp + " (now " + now + ")");
        }
        if (iat.isAfter(now.plus(SKEW))) {
            throw invalid("ID-JAG iat " + iat + " is in the future (now " + now + ")");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(SKEW))) {
            throw invalid("ID-JAG is not valid before " + nbf.toInstant() + " (nbf; now " + now + ")");
        }
        if (exp.isAfter(now.plus(MAX_LIFETIME))) {
            throw invalid("ID-JAG lifetime is too long (exp " + exp + "); at most " + MAX_LIFETIME.toMinutes()
                    + " minutes accepted");
        }
        return exp;
    }

    private URI resource(JWTClaimsSet claims) throws GrantRejected {
        Object raw = claims.getClaim("resource");
        String value;
        if (raw instanceof String s) {
            value = s;
        } else if (raw instanceof List<?> list && list.size() == 1 && list.get(0) instanceof String s) {
            value = s;
        } else if (raw == null) {
            throw invalid("ID-JAG has no resource claim; this authorization server requires it");
        } else {
            throw invalid("ID-JAG resource claim must name exactly one MCP server");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw invalid("ID-JAG resource is not a URI");
        }
        if (!resources.containsKey(uri)) {
            throw invalid("ID-JAG resource '" + value + "' is not an MCP server of this authorization server");
        }
        return uri;
    }

    private static List<String> scopes(JWTClaimsSet claims, URI resource, Policy.Resource spec)
            throws GrantRejected {
        Object raw = claims.getClaim("scope");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof String s)) {
            throw invalid("ID-JAG scope claim must be a space-delimited string");
        }
        List<String> scopes = Arrays.stream(s.trim().split(" +")).filter(x -> !x.isEmpty()).distinct().toList();
        for (String scope : scopes) {
            if (!spec.scopes().contains(scope)) {
                throw invalid("ID-JAG scope '" + scope + "' is not registered for " + resource
                        + " (registered: " + String.join(" ", spec.scopes()) + ")");
            }
        }
        return scopes;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) throws GrantRejected {
        Object v = claims.getClaim(name);
        if (v == null) {
            throw invalid("ID-JAG has no " + name + " claim");
        }
        if (!(v instanceof String s) || s.isEmpty()) {
            throw invalid("ID-JAG " + name + " claim must be a non-empty string");
        }
        return s;
    }

    private static Instant instant(Date d, String name) throws GrantRejected {
        if (d == null) {
            throw invalid("ID-JAG has no " + name + " claim");
        }
        return d.toInstant();
    }

    private static GrantRejected invalid(String description) {
        return new GrantRejected(OAuth2Error.INVALID_GRANT, description);
    }
}
