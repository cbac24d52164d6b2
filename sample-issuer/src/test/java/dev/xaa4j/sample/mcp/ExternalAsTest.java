package dev.xaa4j.sample.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.SampleIssuers;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MCP servers trusting an external AS (issue 11 item 5's sample side): an in-test AS publishes RFC 8414 metadata
 * at a realm-like path issuer and a JWKS; the sample's {@code kc} server (audience in {@code aud}) and {@code kc2}
 * server (audience in {@code azp}, a configured value) accept its tokens and nothing else.
 */
@Timeout(60)
class ExternalAsTest extends SampleIssuerPerClass {

    static HttpServer externalAs;
    static URI externalIssuer;
    static final AtomicReference<RSAKey> KEY = new AtomicReference<>();
    static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    static final AtomicReference<List<com.nimbusds.jose.jwk.JWK>> PUBLISHED = new AtomicReference<>();

    @BeforeAll
    protected static void startIssuer() throws Exception {
        KEY.set(new RSAKeyGenerator(2048).keyID("ext-1").generate());
        PUBLISHED.set(List.of(KEY.get().toPublicJWK()));
        externalAs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        externalIssuer = URI.create("http://127.0.0.1:" + externalAs.getAddress().getPort() + "/realms/mcp");
        externalAs.createContext("/.well-known/oauth-authorization-server/realms/mcp", ex -> respond(ex,
                new ObjectMapper().writeValueAsString(Map.of("issuer", externalIssuer.toString(),
                        "jwks_uri", externalIssuer + "/certs", "response_types_supported", List.of("code")))));
        externalAs.createContext("/realms/mcp/certs", ex -> {
            JWKS_FETCHES.incrementAndGet();
            respond(ex, new JWKSet(PUBLISHED.get()).toString());
        });
        externalAs.start();
        issuer = SampleIssuers.start(issuerState, s -> s
                .withExternalAs(new IssuerSettings.ExternalAs("kc", externalIssuer))
                .withExternalAs(new IssuerSettings.ExternalAs("kc2", externalIssuer, Optional.of("xaa4j-mcp"),
                        List.of("aud", "azp"))));
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterAll
    static void stopExternalAs() {
        externalAs.stop(0);
    }

    static String token(String iss, String audClaim, Object audience, String scope, Instant exp) throws Exception {
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(iss).subject("kc-user-1")
                .issueTime(new Date()).expirationTime(Date.from(exp)).claim("scope", scope);
        c = audClaim.equals("aud") ? c.claim("aud", audience) : c.claim(audClaim, audience).audience("account");
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(KEY.get().getKeyID()).build(), c.build());
        jwt.sign(new RSASSASigner(KEY.get()));
        return jwt.serialize();
    }

    static String good(String server) throws Exception {
        return token(externalIssuer.toString(), "aud", issuer.server(server).toString(), server + ":read " + server + ":write",
                Instant.now().plusSeconds(300));
    }

    /** tools/list with {@code token}, on a new connection (a refused request's connection is closed by the server). */
    static HttpResponse<String> post(String server, String token) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(issuer.server(server))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(McpProtectionTest.TOOLS_LIST)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void itsMetadataNamesTheExternalIssuerAndItsFlowIsExternal() throws Exception {
        var md = new ObjectMapper().readTree(McpProtectionTest.HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(
                "http://" + issuer.server("kc").getRawAuthority() + "/.well-known/oauth-protected-resource/kc/mcp"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());

        assertThat(md.path("authorization_servers").get(0).asText()).isEqualTo(externalIssuer.toString());
        assertThat(md.path("resource").asText()).isEqualTo(issuer.server("kc").toString());
        assertThat(issuer.flows()).containsEntry("kc", "external").containsEntry("kc2", "external");
        assertThat(issuer.oauthServers()).containsKeys("wiki", "kc", "kc2");
    }

    @Test
    void aTokenOfTheExternalAsForThisServerCallsTheTools() throws Exception {
        try (McpSyncClient c = McpToolsTest.client("kc", good("kc"))) {
            c.initialize();
            McpToolsTest.json(McpToolsTest.call(c, "edit_page", Map.of("title", "A", "text", "from keycloak")));

            assertThat(McpToolsTest.json(McpToolsTest.call(c, "whoami", Map.of())))
                    .containsEntry("sub", "kc-user-1").containsEntry("iss", externalIssuer.toString());
        }
    }

    @Test
    void wrongAudienceIssuerExpiryOrSignatureAre401() throws Exception {
        Instant later = Instant.now().plusSeconds(300);
        String otherAud = token(externalIssuer.toString(), "aud", issuer.server("wiki").toString(), "kc:read", later);
        String otherIss = token("http://127.0.0.1:1/realms/other", "aud", issuer.server("kc").toString(), "kc:read", later);
        String expired = token(externalIssuer.toString(), "aud", issuer.server("kc").toString(), "kc:read",
                Instant.now().minusSeconds(5));
        String forged = good("kc");
        forged = forged.substring(0, forged.lastIndexOf('.') + 1) + "AAAA";

        for (String t : List.of(otherAud, otherIss, expired, forged)) {
            HttpResponse<String> r = post("kc", t);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        }
        assertThat(post("kc", good("kc")).statusCode()).isNotEqualTo(401);
    }

    @Test
    void theAudienceClaimAndValueAreConfigurable() throws Exception {
        String viaAzp = token(externalIssuer.toString(), "azp", "xaa4j-mcp", "kc2:read", Instant.now().plusSeconds(300));
        String urlInAud = good("kc2");

        assertThat(post("kc2", viaAzp).statusCode()).isNotEqualTo(401);
        assertThat(post("kc2", urlInAud).statusCode()).as("kc2 wants xaa4j-mcp, not its URL").isEqualTo(401);
    }

    /** An external AS's DPoP-bound token (Keycloak sets {@code cnf.jkt} when the client sent a proof). */
    @Test
    void aBoundTokenOfTheExternalAsNeedsADPoPProofOfItsKey() throws Exception {
        var key = dev.xaa4j.sample.dpop.DPoPProofs.newKey();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(externalIssuer.toString()).subject("kc-user-1")
                .audience(issuer.server("kc").toString()).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).claim("scope", "kc:read")
                .claim("cnf", Map.of("jkt", key.jkt())).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(KEY.get().getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(KEY.get()));
        String bound = jwt.serialize();
        URI kc = issuer.server("kc");

        HttpResponse<String> asBearer = post("kc", bound);
        HttpResponse<String> otherKey = dev.xaa4j.sample.dpop.DPoPTokens.mcp(kc, "DPoP " + bound,
                dev.xaa4j.sample.dpop.DPoPProofs.newKey().forResource("POST", kc, bound, null), McpProtectionTest.TOOLS_LIST);
        HttpResponse<String> proved = dev.xaa4j.sample.dpop.DPoPTokens.mcp(kc, "DPoP " + bound,
                key.forResource("POST", kc, bound, null), McpProtectionTest.TOOLS_LIST);

        assertThat(asBearer.statusCode()).isEqualTo(401);
        assertThat(asBearer.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("DPoP error=\"invalid_token\"");
        assertThat(otherKey.statusCode()).isEqualTo(401);
        assertThat(proved.statusCode()).as(proved.body()).isNotEqualTo(401);
    }

    @Test
    void anUnknownKidRefetchesTheKeys() throws Exception {
        assertThat(post("kc", good("kc")).statusCode()).isNotEqualTo(401);
        int before = JWKS_FETCHES.get();
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("ext-2").generate();
        PUBLISHED.set(List.of(rotated.toPublicJWK(), KEY.get().toPublicJWK())); // the AS rotates: both published
        KEY.set(rotated);

        assertThat(post("kc", good("kc")).statusCode()).isNotEqualTo(401);
        assertThat(JWKS_FETCHES.get()).isGreaterThan(before);
    }
}
