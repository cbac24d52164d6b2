package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static dev.xaa4j.bridge.BridgeHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.SampleIssuers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole chain through {@code xaa bridge}: the connector engine exchanges the user's ID token at the sample
 * IdP for an ID-JAG, redeems it at the sample AS, and the bridge calls the sample {@code notes} server. The
 * user's ID token is minted with the IdP's own key (what a browser sign-in would have produced), so the test
 * needs neither a browser nor a keyring.
 */
@Tag("slow")
class SampleIssuerBridgeTest extends SampleIssuerPerClass {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Hides {@link SampleIssuerPerClass}'s: 6 s access tokens, so a revocation shows at a renewal within the test. */
    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuers.start(issuerState, SampleIssuers.accessTokensLasting(Duration.ofSeconds(6)));
    }

    private Connector connector(String user) {
        return Connector.builder()
                .idp(new IdpConfig(issuer.idpIssuer(), "xaa-desktop", ClientAuthMethod.CLIENT_SECRET_BASIC))
                .server(ServerConfig.of("notes", issuer.server("notes"), "xaa-desktop-mcp", ClientAuthMethod.CLIENT_SECRET_BASIC))
                .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of(
                        "xaa-desktop", "xaa-desktop-demo-secret", "xaa-desktop-mcp", "xaa-desktop-mcp-demo-secret")))
                .idTokenSource(() -> idToken(user))
                .stateDir(tmp)
                .build();
    }

    private BridgeHarness bridge(Connector connector) throws Exception {
        BridgeSettings settings = BridgeSettings.defaults("notes", issuer.server("notes"))
                .withInitializeBudget(Duration.ofSeconds(5)).withRequestTimeout(WAIT);
        return new BridgeHarness(settings, new TokenSourceAuth(connector, false));
    }

    @Test
    void aliceListsAndWritesNotesThroughTheBridge() throws Exception {
        try (Connector c = connector("alice"); BridgeHarness b = bridge(c)) {
            assertThat(b.handshake().path("result").path("serverInfo").path("name").asText()).isNotEqualTo("xaa-bridge");
            b.send(request(2, "tools/list"));
            assertThat(b.awaitResponse(2, WAIT).path("result").path("tools").findValuesAsText("name"))
                    .contains("whoami", "list_notes", "add_note");
            b.send(call(3, "add_note", "{\"text\":\"from the bridge\"}"));
            JsonNode added = b.awaitResponse(3, WAIT);
            assertThat(added.path("result").path("isError").asBoolean()).as(added.toString()).isFalse();
            b.send(call(4, "whoami", "{}"));
            assertThat(b.awaitResponse(4, WAIT).toString()).contains("alice");
        }
        assertThat(Files.readString(issuer.auditFile())).contains("alice");
    }

    @Test
    void bobMayReadButHisWriteIsRefusedWithAClearError() throws Exception {
        try (Connector c = connector("bob"); BridgeHarness b = bridge(c)) {
            b.handshake();
            b.send(call(2, "list_notes", "{}"));
            JsonNode read = b.awaitResponse(2, WAIT);
            assertThat(read.has("result")).as(read.toString()).isTrue();
            assertThat(read.path("result").path("isError").asBoolean()).isFalse();

            b.send(call(3, "add_note", "{\"text\":\"bob was here\"}"));
            JsonNode refused = b.awaitResponse(3, WAIT);
            String shown = refused.has("error") ? refused.path("error").path("message").asText()
                    : refused.path("result").toString();
            assertThat(refused.has("error") || refused.path("result").path("isError").asBoolean()).as(refused.toString()).isTrue();
            assertThat(shown).as("names the scope the IdP's policy denied, not the MCP server")
                    .contains("Your IdP's policy does not grant scope 'notes.write' for 'notes'");
            assertThat(shown).doesNotContain("eyJ");

            b.send(call(4, "list_notes", "{}"));
            JsonNode readAgain = b.awaitResponse(4, WAIT);
            assertThat(readAgain.path("result").path("isError").asBoolean()).as("the refused step-up costs no read: "
                    + readAgain).isFalse();
            assertThat(readAgain.has("result")).isTrue();
        }
    }

    @Test
    void aRevocationMidSessionSurfacesAsAccessDeniedAtTheNextRenewal() throws Exception {
        try (Connector c = connector("alice"); BridgeHarness b = bridge(c)) {
            b.handshake();
            b.send(call(2, "list_notes", "{}"));
            assertThat(b.awaitResponse(2, WAIT).has("result")).isTrue();

            issuer.policy().revoke("alice", "notes");
            try {
                AtomicInteger id = new AtomicInteger(2);
                JsonNode denied = await("an error once the 6 s access token is renewed").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            int n = id.incrementAndGet();
                            b.send(call(n, "list_notes", "{}"));
                            return b.awaitResponse(n, WAIT);
                        }, r -> r.has("error"));
                assertThat(denied.path("error").path("code").asInt()).isEqualTo(-32011);
                assertThat(denied.path("error").path("data").path("reason").asText()).isEqualTo("access_denied");
                assertThat(b.running()).isTrue();
            } finally {
                issuer.policy().restore("alice", "notes");
            }
        }
    }

    /** An ID token as the sample IdP issues it after a browser sign-in (OIDC Core §2), for {@code user}. */
    static String idToken(String user) {
        try {
            RSAKey key = issuer.idpKeys().current();
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(issuer.idpIssuer().toString())
                    .subject(user)
                    .audience(List.of("xaa-desktop"))
                    .claim("azp", "xaa-desktop")
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                    .claim("auth_time", now.getEpochSecond())
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
