package dev.xaa4j.connector.internal.signin;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.testing.Routes;
import dev.xaa4j.connector.testing.TestKeys;
import dev.xaa4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdTokenVerifierTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();
    private final Routes routes = new Routes();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    private final TestKeys keyA = new TestKeys("key-a");
    private final TestKeys keyB = new TestKeys("key-b");
    private String issuer;
    private IdTokenVerifier verifier;
    private final Nonce nonce = new Nonce("n-123");

    static OIDCProviderMetadata metadata(String issuer, String algs) throws Exception {
        return OIDCProviderMetadata.parse("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[" + algs + "],\"scopes_supported\":[\"openid\",\"offline_access\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"]}");
    }

    @BeforeEach
    void setUp() throws Exception {
        web.setDispatcher(routes);
        issuer = "http://" + web.getHostName() + ":" + web.getPort() + "/idp";
        routes.on("GET /idp/jwks", json(200, keyA.jwksJson()));
        verifier = new IdTokenVerifier(metadata(issuer, "\"RS256\",\"HS256\",\"none\""), "client-1", clock, Duration.ofSeconds(60));
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience("client-1")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).claim("nonce", nonce.getValue());
    }

    @Test
    void acceptsAValidTokenAndReturnsItsClaims() throws Exception {
        JWTClaimsSet c = verifier.verify(keyA.sign(claims().build()), nonce);
        assertThat(c.getSubject()).isEqualTo("alice");
        // after a refresh there is no nonce to check
        assertThat(verifier.verify(keyA.sign(claims().claim("nonce", null).build()), null).getSubject()).isEqualTo("alice");
    }

    @Test
    void rejectsAWrongNonce() {
        assertThatThrownBy(() -> verifier.verify(keyA.sign(claims().claim("nonce", "other").build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED)
                .hasMessageContaining("nonce");
    }

    @Test
    void rejectsAWrongAudienceAndSeveralAudiencesWithoutAzp() {
        assertThatThrownBy(() -> verifier.verify(keyA.sign(claims().audience("client-2").build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED).hasMessageContaining("aud");
        assertThatThrownBy(() -> verifier.verify(keyA.sign(claims().audience(List.of("client-1", "other")).build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED).hasMessageContaining("azp");
        assertThatThrownBy(() -> verifier.verify(keyA.sign(claims().audience(List.of("client-1", "other")).claim("azp", "other").build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED).hasMessageContaining("azp");
        assertThat(verifier.verify(keyA.sign(claims().audience(List.of("client-1", "other")).claim("azp", "client-1").build()), nonce)
                .getAudience()).containsExactly("client-1", "other");
    }

    @Test
    void rejectsAWrongIssuer() {
        assertThatThrownBy(() -> verifier.verify(keyA.sign(claims().issuer("https://evil.example").build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED).hasMessageContaining("iss");
    }

    @Test
    void rejectsAnExpiredTokenBeyondTheSkewButToleratesTheSkew() {
        String token = keyA.sign(claims().build());
        clock.advance(Duration.ofSeconds(600 + 30));
        assertThat(verifier.verify(token, nonce).getSubject()).isEqualTo("alice");
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> verifier.verify(token, nonce)).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED)
                .hasMessageContaining("expired");
    }

    @Test
    void rejectsATokenIssuedInTheFuture() {
        String token = keyA.sign(claims().issueTime(Date.from(clock.instant().plusSeconds(300))).build());
        assertThatThrownBy(() -> verifier.verify(token, nonce)).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED)
                .hasMessageContaining("future");
    }

    @Test
    void rejectsAlgNoneAndHmacEvenWhenTheIdpAdvertisesThem() throws Exception {
        String none = new PlainJWT(claims().build()).serialize();
        assertThatThrownBy(() -> verifier.verify(none, nonce)).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED)
                .hasMessageContaining("unsigned").hasMessageNotContaining(none);

        SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hs.sign(new MACSigner("a-shared-secret-of-at-least-256-bits-long!!"));
        assertThatThrownBy(() -> verifier.verify(hs.serialize(), nonce)).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED)
                .hasMessageContaining("HS256 which is not allowed".replace(" which", ", which"));
    }

    @Test
    void refetchesTheJwksOnceForAnUnknownKidSoKeyRotationWorks() {
        assertThat(verifier.verify(keyA.sign(claims().build()), nonce).getSubject()).isEqualTo("alice");
        assertThat(routes.count("GET /idp/jwks")).isEqualTo(1);

        routes.on("GET /idp/jwks", json(200, keyB.jwksJson())); // the IdP rotates to key B
        clock.advance(Duration.ofMinutes(1));
        assertThat(verifier.verify(keyB.sign(claims().build()), nonce).getSubject()).isEqualTo("alice");
        assertThat(routes.count("GET /idp/jwks")).isEqualTo(2);

        // an unknown kid right after a fetch does not hammer the IdP
        TestKeys stranger = new TestKeys("key-x");
        assertThatThrownBy(() -> verifier.verify(stranger.sign(claims().build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
        assertThat(routes.count("GET /idp/jwks")).isEqualTo(2);
    }

    @Test
    void anUnreachableJwksIsTransient() {
        routes.on("GET /idp/jwks", new MockResponse.Builder().code(503).build());
        assertThatThrownBy(() -> verifier.verify(keyA.sign(claims().build()), nonce))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE).hasMessageContaining("HTTP 503");
    }
}
