package dev.xaa4j.sample.mcp;

import static dev.xaa4j.sample.dpop.DPoPTokens.TOOLS_LIST;
import static dev.xaa4j.sample.dpop.DPoPTokens.mcp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.sample.as.TokenEndpoint;
import dev.xaa4j.sample.dpop.DPoPProofs;
import dev.xaa4j.sample.dpop.SampleIssuerDPoPTest;
import dev.xaa4j.sample.dpop.DPoPTokens;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DPoP-bound access tokens at the sample MCP servers (RFC 9449 §7), over real HTTP with Nimbus-made proofs: the
 * {@code DPoP} scheme with a valid proof is served; every hostile variant gets 401 with a {@code DPoP} challenge
 * that still names the {@code resource_metadata}; the nonce switch; the audit of MCP requests.
 */
@Timeout(60)
class McpDPoPTest extends SampleIssuerDPoPTest {

    URI notes;
    String token;

    @BeforeEach
    void boundToken() throws Exception {
        notes = issuer.server("notes");
        token = DPoPTokens.boundAccessToken(issuer, key, "alice", "notes", "notes.read notes.write");
    }


    String proof() {
        return key.forResource("POST", notes, token, null);
    }

    static String challenge(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        return r.headers().firstValue("WWW-Authenticate").orElseThrow();
    }

    static String prm() {
        return McpProtectionTest.prm("notes");
    }

    @Test
    void aBoundTokenWithAValidProofIsServed() throws Exception {
        HttpResponse<String> r = mcp(notes, "DPoP " + token, proof(), TOOLS_LIST);

        assertThat(r.statusCode()).as(r.body()).isNotEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void theProtectedResourceMetadataSaysDPoPIsSupported() throws Exception {
        JsonNode md = JSON.readTree(mcp("GET", URI.create(prm()), null, null, null).body());

        assertThat(md.path("dpop_signing_alg_values_supported").toString()).isEqualTo("[\"ES256\"]");
        assertThat(md.path("dpop_bound_access_tokens_required").asBoolean(true)).isFalse();
    }

    @Test
    void aBoundTokenSentAsBearerIsRefused() throws Exception {
        String h = challenge(mcp(notes, "Bearer " + token, null, TOOLS_LIST));

        assertThat(h).isEqualTo("DPoP error=\"invalid_token\", resource_metadata=\"" + prm()
                + "\", scope=\"notes.read\", algs=\"ES256\"");
    }

    @Test
    void hostileProofsAre401WithADPoPChallenge() throws Exception {
        DPoPProofs other = DPoPProofs.newKey();
        String replayed = proof();
        assertThat(mcp(notes, "DPoP " + token, replayed, TOOLS_LIST).statusCode()).isNotEqualTo(401);
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("no proof", new String[] {null, "invalid_dpop_proof"});
        cases.put("replayed proof (same jti)", new String[] {replayed, "invalid_dpop_proof"});
        cases.put("proof of another key (wrong jkt)",
                new String[] {other.forResource("POST", notes, token, null), "invalid_token"});
        cases.put("wrong htu (another server)",
                new String[] {key.forResource("POST", issuer.server("tickets"), token, null), "invalid_dpop_proof"});
        cases.put("wrong htm", new String[] {key.forResource("GET", notes, token, null), "invalid_dpop_proof"});
        cases.put("stale iat", new String[] {key.with(UUID.randomUUID().toString(), Duration.ofMinutes(-5), "POST",
                notes, token), "invalid_dpop_proof"});
        cases.put("future iat", new String[] {key.with(UUID.randomUUID().toString(), Duration.ofMinutes(5), "POST",
                notes, token), "invalid_dpop_proof"});
        cases.put("missing ath", new String[] {key.with(UUID.randomUUID().toString(), Duration.ZERO, "POST", notes,
                null), "invalid_dpop_proof"});
        cases.put("wrong ath (another token)", new String[] {key.forResource("POST", notes, token + "x", null), null});
        cases.put("not a JWT", new String[] {"garbage", "invalid_dpop_proof"});

        for (var c : cases.entrySet()) {
            String h = challenge(mcp(notes, "DPoP " + token, c.getValue()[0], TOOLS_LIST));

            assertThat(h).as(c.getKey()).startsWith("DPoP error=\"" + (c.getValue()[1] == null ? "" : c.getValue()[1]))
                    .contains("resource_metadata=\"" + prm() + "\"");
        }
        assertThat(mcp(notes, "DPoP " + token, proof(), TOOLS_LIST).statusCode()).as("still usable").isNotEqualTo(401);
    }

    /** The replay cache's check-and-mark is atomic: one proof sent 8 times at once is accepted exactly once. */
    @Test
    void oneProofSentConcurrentlyIsAcceptedOnce() throws Exception {
        String proof = proof();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return mcp(notes, "DPoP " + token, proof, TOOLS_LIST).statusCode();
                }));
            }
            start.countDown();
            long accepted = 0;
            for (var f : statuses) {
                accepted += f.get() == 401 ? 0 : 1;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnboundTokenIsBearerOnly() throws Exception {
        String bearer = TokenEndpoint.accessToken(issuer, "alice", "notes", "notes.read");

        assertThat(mcp(notes, "Bearer " + bearer, null, TOOLS_LIST).statusCode()).isNotEqualTo(401);
        assertThat(challenge(mcp(notes, "DPoP " + bearer, key.forResource("POST", notes, bearer, null), TOOLS_LIST)))
                .startsWith("DPoP error=\"invalid_token\"");
    }

    @Test
    void aToolCallWithoutItsScopeGets403WithADPoPChallenge() throws Exception {
        String readOnly = DPoPTokens.boundAccessToken(issuer, key, "bob", "notes", "notes.read");
        String call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"add_note\","
                + "\"arguments\":{\"text\":\"hi\"}}}";

        HttpResponse<String> r = mcp(notes, "DPoP " + readOnly, key.forResource("POST", notes, readOnly, null), call);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("DPoP error=\"insufficient_scope\", scope=\"notes.write\"");
    }

    @Test
    void inNonceModeTheServerDemandsTheNonceThenAcceptsIt() throws Exception {
        dpop("{\"rsNonce\":true}");

        HttpResponse<String> first = mcp(notes, "DPoP " + token, proof(), TOOLS_LIST);
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> retry = mcp(notes, "DPoP " + token, key.forResource("POST", notes, token, nonce), TOOLS_LIST);

        assertThat(challenge(first)).startsWith("DPoP error=\"use_dpop_nonce\"");
        assertThat(retry.statusCode()).as(retry.body()).isNotEqualTo(401);
        assertThat(mcp(notes, "Bearer " + TokenEndpoint.accessToken(issuer, "alice", "notes", "notes.read"), null,
                TOOLS_LIST).statusCode()).as("bearer requests need no nonce").isNotEqualTo(401);
    }

    @Test
    void everyMcpRequestIsAuditedWithItsBindingButNoTokenOrProof() throws Exception {
        String proof = proof();
        mcp(notes, "DPoP " + token, proof, TOOLS_LIST);
        mcp(notes, "Bearer " + token, null, TOOLS_LIST);

        List<JsonNode> lines = DPoPTokens.audit(issuer, "mcp-request");

        assertThat(lines).anySatisfy(n -> {
            assertThat(n.path("decision").asText()).isEqualTo("allow");
            assertThat(n.path("dpop").asBoolean()).isTrue();
            assertThat(n.path("jkt").asText()).isEqualTo(key.jkt());
            assertThat(n.path("user").asText()).isEqualTo("alice");
        });
        assertThat(lines).anySatisfy(n -> {
            assertThat(n.path("decision").asText()).isEqualTo("deny");
            assertThat(n.path("reason").asText()).startsWith("invalid_token").contains("bearer");
        });
        assertThat(Files.readString(issuer.auditFile())).doesNotContain(token).doesNotContain(proof);
    }
}
