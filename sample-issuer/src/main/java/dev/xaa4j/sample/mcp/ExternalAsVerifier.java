package dev.xaa4j.sample.mcp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.xaa4j.sample.IssuerSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWT access tokens of an <b>external</b> authorization server (e.g. Keycloak) for an MCP server that
 * trusts it. The AS's {@code jwks_uri} comes from its metadata — RFC 8414 §3.1 path-inserted
 * {@code oauth-authorization-server}, then OIDC Discovery §4 appended {@code openid-configuration}, whose
 * {@code issuer} must equal the configured one — fetched on the first token, retried on the next token after a
 * failure; the keys are cached and refetched on an unknown {@code kid} (Nimbus' {@link JWKSourceBuilder}).
 * Checks: signature (RS256, PS256, ES256), {@code iss} equal to the issuer, {@code exp} (and {@code iat} not in the
 * future) on this issuer's clock, and one of the configured audience claims ({@code aud} by default; Keycloak may
 * put the server into {@code azp} or {@code resource}) naming the configured audience. Any {@code typ} (Keycloak
 * sends {@code JWT}). Thread-safe.
 */
final class ExternalAsVerifier implements TokenVerifier {

    private static final Set<JWSAlgorithm> ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

    private final IssuerSettings.ExternalAs config;
    private final Clock clock;
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    ExternalAsVerifier(IssuerSettings.ExternalAs config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Principal verify(String token, URI resource) throws InvalidAccessToken {
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (java.text.ParseException e) {
            throw new InvalidAccessToken("the access token is not a JWT");
        } catch (KeySourceException e) {
            throw new InvalidAccessToken("the keys of " + config.issuer() + " cannot be fetched");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidAccessToken("the access token's signature is not valid");
        }
        if (!config.issuer().toString().equals(claims.getIssuer())) {
            throw new InvalidAccessToken("the access token was not issued by " + config.issuer());
        }
        String audience = config.audience().orElse(resource.toString());
        if (config.audienceClaims().stream().noneMatch(c -> names(claims, c, audience))) {
            throw new InvalidAccessToken("the access token's " + String.join("/", config.audienceClaims())
                    + " does not name " + audience);
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || now.isAfter(exp.toInstant())) {
            throw new InvalidAccessToken("the access token has expired");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now.plusSeconds(5))) {
            throw new InvalidAccessToken("the access token is issued in the future");
        }
        Object scope = claims.getClaim("scope");
        List<String> scopes = scope instanceof String s
                ? Arrays.stream(s.trim().split(" +")).filter(x -> !x.isEmpty()).toList() : List.of();
        Object clientId = claims.getClaim("client_id") != null ? claims.getClaim("client_id") : claims.getClaim("azp");
        if (claims.getSubject() == null) {
            throw new InvalidAccessToken("the access token lacks sub");
        }
        return new Principal(claims.getSubject(), String.valueOf(clientId), scopes, claims.getAudience(),
                claims.getIssuer());
    }

    private static boolean names(JWTClaimsSet claims, String claim, String audience) {
        Object v = claims.getClaim(claim);
        if (v instanceof String s) {
            return s.equals(audience);
        }
        return v instanceof List<?> l && l.contains(audience);
    }

    private DefaultJWTProcessor<SecurityContext> processor() throws InvalidAccessToken {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (processor == null) {
                JWKSource<SecurityContext> keys;
                try {
                    keys = JWKSourceBuilder.create(jwksUri().toURL()).build();
                } catch (java.net.MalformedURLException e) {
                    throw new InvalidAccessToken("the jwks_uri of " + config.issuer() + " is not a URL");
                }
                DefaultJWTProcessor<SecurityContext> fresh = new DefaultJWTProcessor<>();
                fresh.setJWSTypeVerifier((type, ctx) -> { });
                fresh.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGS, keys));
                fresh.setJWTClaimsSetVerifier((claims, ctx) -> { }); // checked in verify, on our clock
                processor = fresh;
            }
            return processor;
        }
    }

    /** The {@code jwks_uri} from the first metadata URL that answers a document with our issuer. */
    private URI jwksUri() throws InvalidAccessToken {
        URI issuer = config.issuer();
        String path = issuer.getRawPath() == null || issuer.getRawPath().equals("/") ? "" : issuer.getRawPath();
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        List<String> tried = new ArrayList<>();
        for (String url : List.of(origin + "/.well-known/oauth-authorization-server" + path,
                issuer + "/.well-known/openid-configuration")) {
            tried.add(url);
            try {
                HTTPRequest get = new HTTPRequest(HTTPRequest.Method.GET, URI.create(url));
                get.setConnectTimeout(5_000);
                get.setReadTimeout(5_000);
                HTTPResponse resp = get.send();
                if (resp.getStatusCode() != 200) {
                    continue;
                }
                AuthorizationServerMetadata md = AuthorizationServerMetadata.parse(resp.getBodyAsJSONObject());
                if (md.getIssuer().getValue().equals(issuer.toString()) && md.getJWKSetURI() != null) {
                    return md.getJWKSetURI();
                }
            } catch (IOException | ParseException e) {
                // next URL
            }
        }
        throw new InvalidAccessToken("no metadata with issuer " + issuer + " and a jwks_uri at " + tried);
    }
}
