package dev.xaa4j.connector.internal.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The exact bytes each grant puts on the wire, and how each kind of failure is reported (docs/protocol.md §1, §5). */
class GrantWireTest {

    static final String ID_JAG_URN = "urn:ietf:params:oauth:token-type:id-jag";
    static final String AS_ISSUER = "https://as.example.test/tenant-1/"; // trailing slash must survive byte for byte
    static final String RESOURCE = "https://mcp.example.test/notes/mcp";

    @StartStop
    final MockWebServer server = new MockWebServer();

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final ClientCredentialsSource secrets = ClientCredentialsSource.ofSecrets(
            Map.of("idp-client", "idp secret/+=", "xaa4j:agent", "s3cr3t/+=&"));
    final IdJagExchange exchange = new IdJagExchange(clock, Duration.ofSeconds(2));
    final JwtBearerGrant jwtBearer = new JwtBearerGrant(clock, Duration.ofSeconds(2));

    URI endpoint() {
        return server.url("/token").uri();
    }

    ClientAuth idpBasic() {
        return ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, "https://idp.test", "idp-client", secrets);
    }

    void json(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
                .addHeader("Cache-Control", "no-store").body(body).build());
    }

    String idJagJson(String jag) {
        return "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"" + jag
                + "\",\"token_type\":\"N_A\",\"scope\":\"notes.read notes.write\",\"expires_in\":300}";
    }

    static Map<String, String> form(RecordedRequest r) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : r.getBody().utf8().split("&")) {
            int i = pair.indexOf('=');
            m.put(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void tokenExchangeSendsAudienceResourceScopeAndIdJagTypes() throws Exception {
        String jag = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(300), AS_ISSUER, RESOURCE);
        json(200, idJagJson(jag));

        IdJag result = exchange.exchange("notes", endpoint(), idpBasic(), "the-id-token", AS_ISSUER, RESOURCE,
                new LinkedHashSet<>(List.of("notes.read", "notes.write")));

        RecordedRequest r = server.takeRequest();
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
        assertThat(form(r)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "requested_token_type", ID_JAG_URN,
                "audience", AS_ISSUER,
                "resource", RESOURCE,
                "scope", "notes.read notes.write",
                "subject_token", "the-id-token",
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token"));
        String raw = r.getBody().utf8();
        assertThat(raw).containsAnyOf("scope=notes.read+notes.write", "scope=notes.read%20notes.write")
                .doesNotContain("%2B");
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("idp-client:idp+secret%2F%2B%3D".getBytes(StandardCharsets.UTF_8)));
        assertThat(result.value()).isEqualTo(jag);
        assertThat(result.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
        assertThat(result.scopes()).containsExactlyInAnyOrder("notes.read", "notes.write");
        assertThat(result.toString()).doesNotContain(jag);
    }

    @Test
    void tokenExchangeWithoutScopeSendsNoScopeParameter() throws Exception {
        json(200, idJagJson("opaque-jag"));
        IdJag result = exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of());
        assertThat(form(server.takeRequest())).doesNotContainKey("scope").containsEntry("resource", RESOURCE);
        // opaque ID-JAG, expires_in given
        assertThat(result.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
    }

    @Test
    void tokenTypeIsComparedCaseInsensitivelyAndNotFatal() {
        json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"x\",\"token_type\":\"n_a\"}");
        assertThat(exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()).value()).isEqualTo("x");
        json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"y\",\"token_type\":\"Bearer\"}");
        assertThat(exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()).value()).isEqualTo("y");
    }

    @Test
    void idJagExpiryFallsBackToJwtExpThenToFiveMinutes() {
        String jag = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(120), AS_ISSUER, null);
        json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"" + jag + "\",\"token_type\":\"N_A\"}");
        assertThat(exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()).expiresAt())
                .isEqualTo(clock.instant().plusSeconds(120));
        json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"opaque\",\"token_type\":\"N_A\"}");
        assertThat(exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()).expiresAt())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    }

    @Test
    void anIdJagBoundToAnotherServerIsRefused() {
        String otherAud = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(300),
                "https://evil-as.example/", RESOURCE);
        json(200, idJagJson(otherAud));
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isExactlyInstanceOf(ConnectorException.class).hasMessageContaining("another authorization server");
        String otherResource = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(300),
                AS_ISSUER, "https://mcp.example.test/tickets/mcp");
        json(200, idJagJson(otherResource));
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isExactlyInstanceOf(ConnectorException.class).hasMessageContaining("another resource");
    }

    @Test
    void redactionKeepsUrlsAndWordsButNotTokens() {
        assertThat(Redaction.scrub("see https://mcp.example.test/.well-known/oauth-protected-resource/notes/mcp now"))
                .contains("/.well-known/oauth-protected-resource/notes/mcp");
        assertThat(Redaction.scrub("bad assertion=abc.def&subject_token=xyz client_secret: s3cr3t"))
                .doesNotContain("abc.def").doesNotContain("xyz").doesNotContain("s3cr3t");
        assertThat(Redaction.scrub("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln here")).doesNotContain("eyJ");
        assertThat(Redaction.scrub("opaque 8f14e45fceea167a5a36dedd4bea2543a1b2c3d4e5f6 value")).doesNotContain("8f14e45f");
    }

    @Test
    void tokenExchangeRejectsAnotherIssuedTokenTypeOrEmptyToken() {
        json(200, "{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"access_token\":\"x\",\"token_type\":\"Bearer\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isExactlyInstanceOf(ConnectorException.class).hasMessageContaining("instead of an ID-JAG");
        json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"\",\"token_type\":\"N_A\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isExactlyInstanceOf(ConnectorException.class).hasMessageContaining("empty");
    }

    @Test
    void valuesTheServerSentAreBoundedInMessages() {
        String flood = "x".repeat(10_000);
        json(200, "{\"issued_token_type\":\"urn:" + flood + "\",\"access_token\":\"x\",\"token_type\":\"N_A\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isExactlyInstanceOf(ConnectorException.class).hasMessageContaining("instead of an ID-JAG")
                .hasMessageContaining("more characters")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(Redaction.MAX_ECHO + 300));
        json(400, "{\"error\":\"access_denied\",\"error_description\":\"" + flood + "\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(Redaction.MAX_ECHO + 400));
        assertThat(Redaction.echo("line\u001b[31mred\nnext")).isEqualTo("line [31mred next");
        assertThat(Redaction.echo(null)).isNull();
    }

    @Test
    void oauthErrorsOfTheExchangeBecomeTypedExceptions() {
        json(400, "{\"error\":\"invalid_target\",\"error_description\":\"no trust\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_NOT_ENABLED)
                .hasMessageContaining("not enabled for you by your administrator");
        json(400, "{\"error\":\"access_denied\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED);
        json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"subject eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.abc expired\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(SubjectTokenRejectedException.class)
                .hasMessageNotContaining("eyJhbGciOiJIUzI1NiJ9");
        json(401, "{\"error\":\"invalid_client\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION);
    }

    @Test
    void serverErrorsTimeoutsAndHtmlBodiesAreTransient() {
        server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageStartingWith("The IdP is unavailable (HTTP 503)"); // the phrase capitalised only at the start
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<html><body>Please log in to the hotel Wi-Fi</body></html>").build());
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE).hasMessageContaining("without a JSON body");
        json(400, "{\"error\":\"temporarily_unavailable\"}");
        assertThatThrownBy(() -> exchange.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
        IdJagExchange impatient = new IdJagExchange(clock, Duration.ofMillis(300));
        server.enqueue(new MockResponse.Builder().code(200).headersDelay(2, TimeUnit.SECONDS).body("{}").build());
        // the answer would come after 2 s and be a malformed token response: "could not be reached" is the 300 ms timeout
        assertThatThrownBy(() -> impatient.exchange("notes", endpoint(), idpBasic(), "t", AS_ISSUER, RESOURCE, Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE).hasMessageContaining("could not be reached");
    }

    @Test
    void jwtBearerWithClientSecretBasicSendsAssertionScopeResource() throws Exception {
        json(200, "{\"access_token\":\"at-1\",\"token_type\":\"bearer\",\"expires_in\":60,\"scope\":\"notes.read\",\"refresh_token\":\"ignored\"}");
        String jag = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(300));
        ClientAuth basic = ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, AS_ISSUER, "xaa4j:agent", secrets);

        AccessToken token = jwtBearer.redeem("notes", endpoint(), basic,
                new IdJag(jag, clock.instant().plusSeconds(300), new LinkedHashSet<>(List.of("notes.read", "notes.write"))), RESOURCE);

        RecordedRequest r = server.takeRequest();
        assertThat(form(r)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion", jag,
                "scope", "notes.read notes.write",
                "resource", RESOURCE));
        assertThat(r.getBody().utf8()).doesNotContain("%2B");
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                "xaa4j%3Aagent:s3cr3t%2F%2B%3D%26".getBytes(StandardCharsets.UTF_8)));
        assertThat(token.value()).isEqualTo("at-1");
        assertThat(token.tokenType()).isEqualTo("Bearer");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(60));
        assertThat(token.scopes()).containsExactly("notes.read");
        assertThat(token.toString()).doesNotContain("at-1");
    }

    @Test
    void jwtBearerWithClientSecretPostPutsCredentialsInTheBody() throws Exception {
        json(200, "{\"access_token\":\"at\",\"expires_in\":60}");
        ClientAuth post = ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_POST, AS_ISSUER, "xaa4j:agent", secrets);
        AccessToken token = jwtBearer.redeem("notes", endpoint(), post, new IdJag("opaque", clock.instant(), Set.of()), RESOURCE);
        RecordedRequest r = server.takeRequest();
        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(form(r)).containsEntry("client_id", "xaa4j:agent").containsEntry("client_secret", "s3cr3t/+=&")
                .containsEntry("assertion", "opaque").doesNotContainKey("scope");
        assertThat(token.tokenType()).isEqualTo("Bearer"); // absent token_type means Bearer
    }

    @Test
    void jwtBearerWithNoneSendsOnlyTheClientId() throws Exception {
        json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60}");
        ClientAuth none = ClientAuthFactory.create(ClientAuthMethod.NONE, AS_ISSUER, "https://client.example/cimd.json", secrets);
        jwtBearer.redeem("notes", endpoint(), none, new IdJag("opaque", clock.instant(), Set.of()), RESOURCE);
        RecordedRequest r = server.takeRequest();
        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(form(r)).containsEntry("client_id", "https://client.example/cimd.json").doesNotContainKey("client_secret");
    }

    @Test
    void jwtBearerWithPrivateKeyJwtSignsAFreshClientAssertion() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        ClientCredentialsSource keys = new ClientCredentialsSource() {
            public Optional<String> clientSecret(String issuer, String clientId) {
                return Optional.empty();
            }

            public Optional<String> signingKey(String issuer, String clientId) {
                return Optional.of(key.toJSONString());
            }
        };
        ClientAuth pkj = ClientAuthFactory.create(ClientAuthMethod.PRIVATE_KEY_JWT, AS_ISSUER, "xaa4j-agent", keys);
        json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60}");
        json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60}");
        jwtBearer.redeem("notes", endpoint(), pkj, new IdJag("opaque", clock.instant(), Set.of()), RESOURCE);
        jwtBearer.redeem("notes", endpoint(), pkj, new IdJag("opaque", clock.instant(), Set.of()), RESOURCE);

        Map<String, String> first = form(server.takeRequest());
        Map<String, String> second = form(server.takeRequest());
        assertThat(first).containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        SignedJWT assertion = SignedJWT.parse(first.get("client_assertion"));
        assertThat(assertion.verify(new RSASSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("k1");
        assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo("xaa4j-agent");
        assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo("xaa4j-agent");
        // draft-ietf-oauth-rfc7523bis §4: aud is the AS issuer (one value), not the token endpoint
        assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly(AS_ISSUER);
        assertThat(second.get("client_assertion")).isNotEqualTo(first.get("client_assertion"));
    }

    @Test
    void tokenExchangeAssertionIsAddressedToTheIdpIssuer() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("install").generate();
        ClientCredentialsSource keys = ClientCredentialsSourceKeys.of(key);
        ClientAuth pkj = ClientAuthFactory.create(ClientAuthMethod.PRIVATE_KEY_JWT, "https://idp.test/tenant/", "idp-client", keys);
        json(200, idJagJson("opaque-jag"));
        exchange.exchange("notes", endpoint(), pkj, "id-token", AS_ISSUER, RESOURCE, Set.of());

        SignedJWT assertion = SignedJWT.parse(form(server.takeRequest()).get("client_assertion"));
        assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(assertion.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly("https://idp.test/tenant/");
    }

    @Test
    void privateKeyJwtWithoutAnyKeySaysToCreateOne() {
        ClientAuth pkj = ClientAuthFactory.create(ClientAuthMethod.PRIVATE_KEY_JWT, AS_ISSUER, "xaa4j-agent", secrets);
        assertThatThrownBy(() -> jwtBearer.redeem("notes", endpoint(), pkj, new IdJag("x", clock.instant(), Set.of()), RESOURCE))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("run `xaa key create` and register the public key with your IdP administrator");
        assertThat(server.getRequestCount()).isZero();
    }

    /** A source with one private key for every client. */
    static final class ClientCredentialsSourceKeys {
        static ClientCredentialsSource of(com.nimbusds.jose.jwk.JWK key) {
            return new ClientCredentialsSource() {
                public Optional<String> clientSecret(String issuer, String clientId) {
                    return Optional.empty();
                }

                public Optional<String> signingKey(String issuer, String clientId) {
                    return Optional.of(key.toJSONString());
                }
            };
        }
    }

    @Test
    void jwtBearerErrorsBecomeTypedExceptions() {
        ClientAuth basic = ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, AS_ISSUER, "xaa4j:agent", secrets);
        IdJag jag = new IdJag("opaque", clock.instant(), Set.of());
        json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"jti replayed\"}");
        assertThatThrownBy(() -> jwtBearer.redeem("notes", endpoint(), basic, jag, RESOURCE))
                .isInstanceOf(AssertionRejectedException.class).hasMessageContaining("jti replayed");
        json(401, "{\"error\":\"invalid_client\"}");
        assertThatThrownBy(() -> jwtBearer.redeem("notes", endpoint(), basic, jag, RESOURCE))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                // the server names the AS's refusal: without it `xaa` advised the IdP client's secret for an AS invalid_client
                .hasFieldOrPropertyWithValue("server", "notes");
        server.enqueue(new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html").body("<h1>Bad gateway</h1>").build());
        assertThatThrownBy(() -> jwtBearer.redeem("notes", endpoint(), basic, jag, RESOURCE))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void missingSecretIsAConfigurationErrorNamingTheRemedy() {
        ClientAuth basic = ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, AS_ISSUER, "unknown", secrets);
        assertThatThrownBy(() -> jwtBearer.redeem("notes", endpoint(), basic, new IdJag("x", clock.instant(), Set.of()), RESOURCE))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("keyring");
    }
}
