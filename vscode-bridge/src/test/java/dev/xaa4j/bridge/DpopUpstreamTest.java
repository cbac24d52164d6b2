package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.connector.AuthMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The bridge's upstream with a DPoP-bound token (RFC 9449 §7.1, §9; docs/protocol.md), wire-exact against a
 * scripted server: {@code Authorization: DPoP}, a fresh proof for each request sent (POST, GET stream, DELETE;
 * {@code htu} without the query), a resource server's {@code use_dpop_nonce} answered by one replay with the nonce
 * (not a token renewal), and Bearer tokens exactly as before. The token source is a double whose proofs are real
 * (Nimbus, a P-256 key made here); each proof is verified with the public key.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class DpopUpstreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private BridgeHarness bridge(PerServerTokenSource tokens) throws Exception {
        URI endpoint = server.url("/mcp?tenant=7").uri();
        return new BridgeHarness(BridgeHarness.fast("notes", endpoint), new TokenSourceAuth(tokens, false));
    }

    /** Answers like {@link ScriptedMcpDispatcher}, recording every request; the first tools/call per {@code nonceOnce}. */
    private void script(AtomicBoolean nonceOnce) {
        ScriptedMcpDispatcher mcp = new ScriptedMcpDispatcher(m -> m.equals("tools/call") && nonceOnce.getAndSet(false)
                ? new MockResponse.Builder().code(401).addHeader("DPoP-Nonce", "rs-nonce-1")
                .addHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"")
                .build() : null,
                (method, body) -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                        .addHeader("Mcp-Session-Id", "s-1")
                        .body("{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id") + ",\"result\":" + ("initialize".equals(method)
                                ? "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"mock\",\"version\":\"1\"}}"
                                : "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}") + "}").build(), r -> { });
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                return mcp.dispatch(request);
            }
        });
    }

    private static PerServerTokenSource dpopTokens(ECKey key) {
        PerServerTokenSource tokens = new PerServerTokenSource("notes", AuthMode.EMA);
        tokens.dpopKey = key;
        tokens.grant("at-dpop-1");
        return tokens;
    }

    @Test
    void everyRequestCarriesTheDpopSchemeAndAFreshProofForItsMethodAndUrl() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        script(new AtomicBoolean());
        try (BridgeHarness b = bridge(dpopTokens(key))) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            assertThat(b.awaitResponse(2, WAIT).has("result")).isTrue();
            b.send(call(3, "x", "{}"));
            assertThat(b.awaitResponse(3, WAIT).has("result")).isTrue();
            b.closeStdin(WAIT); // ends the session: a DELETE
        }
        List<String> jtis = new java.util.ArrayList<>();
        for (RecordedRequest r : requests) {
            assertThat(r.getHeaders().get("Authorization")).isEqualTo("DPoP at-dpop-1");
            assertThat(r.getHeaders().values("DPoP")).hasSize(1);
            JWTClaimsSet claims = verifiedProof(r.getHeaders().get("DPoP"), key);
            assertThat(claims.getStringClaim("htm")).isEqualTo(r.getMethod());
            assertThat(claims.getStringClaim("htu")).isEqualTo(server.url("/mcp").toString());
            assertThat(claims.getStringClaim("ath")).isEqualTo(ath("at-dpop-1"));
            assertThat(claims.getIssueTime()).isNotNull();
            jtis.add(claims.getJWTID());
        }
        assertThat(requests).extracting(RecordedRequest::getMethod).contains("POST", "GET", "DELETE");
        assertThat(jtis).doesNotHaveDuplicates();
    }

    @Test
    void aResourceServerNonceChallengeIsAnsweredByOneReplayWithTheNonceNotARenewal() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        script(new AtomicBoolean(true));
        PerServerTokenSource tokens = dpopTokens(key);
        try (BridgeHarness b = bridge(tokens)) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            assertThat(b.awaitResponse(2, WAIT).has("result")).isTrue();
            b.send(call(3, "x", "{}"));
            assertThat(b.awaitResponse(3, WAIT).has("result")).isTrue();
        }
        List<RecordedRequest> calls = requests.stream().filter(r -> r.getBody() != null
                && r.getBody().utf8().contains("tools/call")).toList();
        assertThat(calls).hasSize(3); // the refused one, its replay, the next call
        assertThat(verifiedProof(calls.get(0).getHeaders().get("DPoP"), key).getClaim("nonce")).isNull();
        assertThat(verifiedProof(calls.get(1).getHeaders().get("DPoP"), key).getStringClaim("nonce")).isEqualTo("rs-nonce-1");
        assertThat(verifiedProof(calls.get(2).getHeaders().get("DPoP"), key).getStringClaim("nonce")).isEqualTo("rs-nonce-1");
        assertThat(tokens.invalidated).isEmpty();
    }

    @Test
    void aDpopInsufficientScopeChallengeAsksForTheScope() throws Exception {
        server.setDispatcher(new ScriptedMcpDispatcher(m -> m.equals("tools/call")
                ? new MockResponse.Builder().code(403).addHeader("WWW-Authenticate",
                "DPoP error=\"insufficient_scope\", scope=\"notes.write\", algs=\"ES256\"").build() : null,
                (method, body) -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                        .body("{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id") + ",\"result\":{\"protocolVersion\":\"2025-06-18\","
                                + "\"capabilities\":{},\"serverInfo\":{\"name\":\"mock\",\"version\":\"1\"}}}").build(), r -> { }));
        PerServerTokenSource tokens = dpopTokens(new ECKeyGenerator(Curve.P_256).generate());
        try (BridgeHarness b = bridge(tokens)) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            assertThat(b.awaitResponse(2, WAIT).path("error").path("message").asText()).contains("notes.write");
        }
        assertThat(tokens.scopeRequests).containsExactly("notes.write");
    }

    @Test
    void aBearerTokenGoesAsBeforeWithoutAProof() throws Exception {
        script(new AtomicBoolean());
        PerServerTokenSource tokens = new PerServerTokenSource("notes", AuthMode.EMA);
        tokens.grant("at-bearer");
        try (BridgeHarness b = bridge(tokens)) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            assertThat(b.awaitResponse(2, WAIT).has("result")).isTrue();
        }
        assertThat(requests).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer at-bearer");
            assertThat(r.getHeaders().get("DPoP")).isNull();
        });
    }

    /** The proof's claims after checking its header (RFC 9449 §4.2) and its signature with {@code key}. */
    static JWTClaimsSet verifiedProof(String proof, ECKey key) throws Exception {
        SignedJWT jwt = SignedJWT.parse(proof);
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("dpop+jwt");
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getHeader().getJWK().isPrivate()).isFalse();
        assertThat(jwt.getHeader().getJWK().computeThumbprint()).isEqualTo(key.computeThumbprint());
        assertThat(jwt.verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
        return jwt.getJWTClaimsSet();
    }

    static String ath(String token) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
