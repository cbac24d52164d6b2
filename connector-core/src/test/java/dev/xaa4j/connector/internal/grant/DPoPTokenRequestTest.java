package dev.xaa4j.connector.internal.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.dpop.DPoPNonces;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DPoP proofs at the token requests of the engine, wire-exact (RFC 9449 §4.2, §5, §8; docs/architecture.md "DPoP"):
 * the jwt-bearer, code and refresh requests and the token exchange carry a fresh proof for {@code POST} and the
 * token endpoint; {@code use_dpop_nonce} is retried exactly once; {@code token_type} DPoP/Bearer handling; the
 * ID-JAG's {@code cnf.jkt} check. No private key, token or proof in the log.
 */
@Timeout(30)
class DPoPTokenRequestTest {

    @StartStop
    final MockWebServer as = new MockWebServer();

    final MemoryCredentialStore store = new MemoryCredentialStore();
    final DPoPNonces nonces = new DPoPNonces();
    final DPoPProofs dpop = new DPoPProofs(() -> dev.xaa4j.connector.internal.dpop.DPoPKey.loadOrCreate(store), nonces);
    final ClientAuth auth = ClientAuthFactory.create(ClientAuthMethod.NONE, "https://as.test", "xaa4j-agent",
            ClientCredentialsSource.none());
    final List<String> secrets = new CopyOnWriteArrayList<>();
    DPoPTesting.Stderr log;

    @BeforeEach
    void capture() {
        log = new DPoPTesting.Stderr();
    }

    @AfterEach
    void noSecretInTheLog() throws Exception {
        log.close();
        String text = log.text();
        if (store.read(dev.xaa4j.connector.internal.dpop.DPoPKey.STORE_KEY).isPresent()) {
            assertThat(text).doesNotContain(DPoPTesting.privatePart(store));
        }
        secrets.forEach(s -> assertThat(text).doesNotContain(s));
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    MockResponse token(String type) {
        String value = "at-" + java.util.UUID.randomUUID();
        secrets.add(value);
        return json(200, "{\"access_token\":\"" + value + "\",\"token_type\":\"" + type + "\",\"expires_in\":300}");
    }

    IdJag idJag() throws Exception {
        String v = DPoPTesting.idJag("https://as.test", "https://mcp.test/mcp", null);
        secrets.add(v);
        return new IdJag(v, Instant.now().plusSeconds(300), Set.of("notes.read"));
    }

    JwtBearerGrant jwtBearer() {
        return new JwtBearerGrant(Clock.systemUTC(), Duration.ofSeconds(5));
    }

    @Test
    void theJwtBearerRequestCarriesAFreshProofForPostAndTheTokenEndpointWithoutQuery() throws Exception {
        as.enqueue(token("DPoP"));
        as.enqueue(token("dpop"));
        URI endpoint = as.url("/as/token?tenant=1").uri();
        AccessToken first = jwtBearer().redeem("notes", endpoint, auth, idJag(), "https://mcp.test/mcp", true, dpop);
        AccessToken second = jwtBearer().redeem("notes", endpoint, auth, idJag(), "https://mcp.test/mcp", true, dpop);

        assertThat(first.tokenType()).isEqualTo("DPoP");
        assertThat(first.dpopBound()).isTrue();
        assertThat(second.dpopBound()).isTrue();
        String htu = as.url("/as/token").toString();
        RecordedRequest r1 = as.takeRequest();
        RecordedRequest r2 = as.takeRequest();
        secrets.add(r1.getHeaders().get("DPoP"));
        JWTClaimsSet c1 = DPoPTesting.verify(r1.getHeaders().get("DPoP"), "POST", htu, dpop.thumbprint());
        JWTClaimsSet c2 = DPoPTesting.verify(r2.getHeaders().get("DPoP"), "POST", htu, dpop.thumbprint());
        assertThat(c1.getJWTID()).isNotEqualTo(c2.getJWTID());
        assertThat(c1.getClaim("ath")).isNull(); // a token request has no access token yet
        assertThat(c1.getClaim("nonce")).isNull();
        assertThat(r1.getHeaders().values("DPoP")).hasSize(1);
    }

    @Test
    void withoutProofsNoDPoPHeaderIsSentAndADPoPTokenIsRefused() throws Exception {
        as.enqueue(token("DPoP"));
        assertThatThrownBy(() -> jwtBearer().redeem("notes", as.url("/as/token").uri(), auth, idJag(), "https://mcp.test/mcp"))
                .isInstanceOfSatisfying(ConnectorException.class,
                        e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION))
                .hasMessageContaining("without a DPoP proof");
        assertThat(as.takeRequest().getHeaders().get("DPoP")).isNull();
    }

    @Test
    void useDPoPNonceIsRetriedOnceWithTheNonceAndKeptForTheNextRequest() throws Exception {
        as.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
                .addHeader("DPoP-Nonce", "as-nonce-1").body("{\"error\":\"use_dpop_nonce\"}").build());
        as.enqueue(token("DPoP"));
        as.enqueue(token("DPoP"));
        URI endpoint = as.url("/as/token").uri();
        AccessToken t = jwtBearer().redeem("notes", endpoint, auth, idJag(), "https://mcp.test/mcp", true, dpop);

        assertThat(t.dpopBound()).isTrue();
        assertThat(as.getRequestCount()).isEqualTo(2);
        RecordedRequest first = as.takeRequest();
        RecordedRequest retry = as.takeRequest();
        assertThat(DPoPTesting.verify(first.getHeaders().get("DPoP"), "POST", endpoint.toString(), dpop.thumbprint())
                .getClaim("nonce")).isNull();
        JWTClaimsSet retried = DPoPTesting.verify(retry.getHeaders().get("DPoP"), "POST", endpoint.toString(), dpop.thumbprint());
        assertThat(retried.getStringClaim("nonce")).isEqualTo("as-nonce-1");
        assertThat(retry.getBody().utf8()).isEqualTo(first.getBody().utf8()); // same grant, same parameters

        jwtBearer().redeem("notes", endpoint, auth, idJag(), "https://mcp.test/mcp", true, dpop);
        assertThat(DPoPTesting.verify(as.takeRequest().getHeaders().get("DPoP"), "POST", endpoint.toString(),
                dpop.thumbprint()).getStringClaim("nonce")).isEqualTo("as-nonce-1");
    }

    @Test
    void useDPoPNonceIsNotRetriedTwice() {
        for (int i = 0; i < 3; i++) {
            as.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
                    .addHeader("DPoP-Nonce", "n-" + i).body("{\"error\":\"use_dpop_nonce\"}").build());
        }
        assertThatThrownBy(() -> jwtBearer().redeem("notes", as.url("/as/token").uri(), auth, idJag(),
                "https://mcp.test/mcp", true, dpop)).isInstanceOf(ConnectorException.class).hasMessageContaining("use_dpop_nonce");
        assertThat(as.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aBearerAnswerToAProofIsUsedAsBearerWithOneWarning() throws Exception {
        as.enqueue(token("Bearer"));
        as.enqueue(token("Bearer"));
        AccessToken t = jwtBearer().redeem("downgraded", as.url("/as/token").uri(), auth, idJag(), "https://mcp.test/mcp", true, dpop);
        jwtBearer().redeem("downgraded", as.url("/as/token").uri(), auth, idJag(), "https://mcp.test/mcp", true, dpop);

        assertThat(t.tokenType()).isEqualTo("Bearer");
        assertThat(t.dpopBound()).isFalse();
        String text = log.text();
        assertThat(text).contains("'downgraded'").contains("Bearer token");
        assertThat(text.split("answered a DPoP token request", -1)).hasSize(2); // one warning for two answers
    }

    @Test
    void theCodeAndRefreshRequestsCarryProofsAndARefreshedBoundTokenStaysBound() throws Exception {
        as.enqueue(json(200, "{\"access_token\":\"at-code\",\"token_type\":\"DPoP\",\"refresh_token\":\"rt-1\",\"expires_in\":60}"));
        as.enqueue(json(200, "{\"access_token\":\"at-refreshed\",\"token_type\":\"DPoP\",\"expires_in\":60}"));
        secrets.addAll(List.of("at-code", "rt-1", "at-refreshed"));
        ServerTokenGrant grant = new ServerTokenGrant(Clock.systemUTC(), Duration.ofSeconds(5));
        URI endpoint = as.url("/token").uri();
        OAuthTokens code = grant.redeemCode("wiki", endpoint, auth, new com.nimbusds.oauth2.sdk.AuthorizationCode("c0de"),
                URI.create("http://127.0.0.1:1/callback"), new com.nimbusds.oauth2.sdk.pkce.CodeVerifier(),
                "https://mcp.test/mcp", Set.of(), dpop);
        OAuthTokens refreshed = grant.refresh("wiki", endpoint, auth, "rt-1", "https://mcp.test/mcp", Set.of(), dpop);

        assertThat(code.accessToken().dpopBound()).isTrue();
        assertThat(refreshed.accessToken().dpopBound()).isTrue();
        DPoPTesting.verify(as.takeRequest().getHeaders().get("DPoP"), "POST", endpoint.toString(), dpop.thumbprint());
        DPoPTesting.verify(as.takeRequest().getHeaders().get("DPoP"), "POST", endpoint.toString(), dpop.thumbprint());
    }

    @Test
    void theExchangeCarriesAProofForTheIdpAndRefusesAnIdJagBoundToAnotherKey() throws Exception {
        String foreign = DPoPTesting.idJag("https://as.test", "https://mcp.test/mcp", "not-our-thumbprint");
        secrets.add(foreign);
        as.enqueue(json(200, "{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"access_token\":\""
                + foreign + "\",\"token_type\":\"N_A\",\"expires_in\":300}"));
        URI idpToken = as.url("/idp/token").uri();
        IdJagExchange exchange = new IdJagExchange(Clock.systemUTC(), Duration.ofSeconds(5));

        assertThatThrownBy(() -> exchange.exchange("notes", idpToken, auth, "id-token", "https://as.test",
                "https://mcp.test/mcp", Set.of(), dpop, true))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                    assertThat(e.server()).contains("notes");
                })
                .hasMessageContaining("cnf.jkt mismatch").hasMessageNotContaining(foreign);
        DPoPTesting.verify(as.takeRequest().getHeaders().get("DPoP"), "POST", idpToken.toString(), dpop.thumbprint());
    }

    @Test
    void anIdJagBoundToOurKeyIsAccepted() throws Exception {
        String ours = DPoPTesting.idJag("https://as.test", "https://mcp.test/mcp", dpop.thumbprint());
        secrets.add(ours);
        as.enqueue(json(200, "{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"access_token\":\""
                + ours + "\",\"token_type\":\"N_A\",\"expires_in\":300}"));
        IdJag idJag = new IdJagExchange(Clock.systemUTC(), Duration.ofSeconds(5)).exchange("notes", as.url("/idp/token").uri(),
                auth, "id-token", "https://as.test", "https://mcp.test/mcp", Set.of(), dpop, true);
        assertThat(idJag.confirmationThumbprint()).contains(dpop.thumbprint());
        assertThat(Optional.ofNullable(nonces.get(as.url("/").uri()).orElse(null))).isEmpty();
    }
}
