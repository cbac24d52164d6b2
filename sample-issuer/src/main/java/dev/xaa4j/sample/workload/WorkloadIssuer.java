package dev.xaa4j.sample.workload;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The sample's <b>workload identity issuer</b>, standing in for a Kubernetes service-account issuer or a CI
 * provider's OIDC issuer (SEP-1933): its own ES256 key, published at {@code {issuer}/jwks} and named by
 * {@code {issuer}/.well-known/openid-configuration}, at the issuer {@code {idp}/workload} on the IdP port. It mints
 * workload JWTs ({@code typ: JWT}; {@code iss}, {@code sub}, {@code aud}, {@code iat}, {@code exp}, {@code jti})
 * for tests and demos ({@code POST /admin/workload-token}); the MCP AS trusts it for the jwt-bearer grant.
 * Thread-safe (immutable).
 */
public final class WorkloadIssuer {

    /** Path of the workload issuer on the IdP port. */
    public static final String PATH = "/workload";
    /** The longest lifetime {@link #mint} accepts. */
    public static final Duration MAX_TTL = Duration.ofHours(1);

    private final URI issuer;
    private final ECKey key;
    private final Clock clock;

    public WorkloadIssuer(URI idpBase, Clock clock) {
        this.issuer = URI.create(idpBase + PATH);
        this.clock = clock;
        try {
            this.key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID("workload-" + UUID.randomUUID().toString().substring(0, 8)).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the workload issuer's EC key", e);
        }
    }

    public URI issuer() {
        return issuer;
    }

    public URI jwksUri() {
        return URI.create(issuer + "/jwks");
    }

    /**
     * A workload JWT for {@code subject}, audience {@code audience}, valid {@code ttl} from now.
     *
     * @throws IllegalArgumentException ttl not positive or over {@link #MAX_TTL}
     */
    public String mint(String subject, String audience, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be 1 to " + MAX_TTL.toSeconds() + " seconds, got "
                    + ttl.toSeconds());
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer.toString()).subject(subject)
                .audience(audience).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a workload JWT", e);
        }
        return jwt.serialize();
    }

    /** Installs the JWKS and the discovery document on the IdP port's context. */
    public void install(ServletContextHandler context) {
        Map<String, Object> discovery = new LinkedHashMap<>();
        discovery.put("issuer", issuer.toString());
        discovery.put("jwks_uri", jwksUri().toString());
        discovery.put("id_token_signing_alg_values_supported", List.of("ES256"));
        discovery.put("subject_types_supported", List.of("public"));
        discovery.put("response_types_supported", List.of("id_token"));
        Map<String, Object> jwks = new JWKSet(key.toPublicJWK()).toJSONObject(true);
        context.addServlet(new ServletHolder("workload-jwks", json(jwks)), PATH + "/jwks");
        context.addServlet(new ServletHolder("workload-discovery", json(discovery)),
                PATH + "/.well-known/openid-configuration");
    }

    private static HttpServlet json(Map<String, Object> body) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                Http.json(resp, 200, body);
            }
        };
    }
}
