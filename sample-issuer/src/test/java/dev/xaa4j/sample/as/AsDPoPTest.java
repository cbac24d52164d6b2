package dev.xaa4j.sample.as;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.dpop.DPoPProofs;
import dev.xaa4j.sample.dpop.SampleIssuerDPoPTest;
import dev.xaa4j.sample.dpop.DPoPTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DPoP (RFC 9449) at the EMA authorization server's jwt-bearer token endpoint, over real HTTP with proofs made by
 * Nimbus: binding ({@code cnf.jkt}, {@code token_type DPoP}), bearer for clients without a proof, every broken proof
 * refused with {@code invalid_dpop_proof}, DPoP-bound ID-JAGs (docs/protocol.md §3.3 item 11), the nonce and
 * {@code requireDpop} switches, and the audit.
 */
@Timeout(60)
class AsDPoPTest extends SampleIssuerDPoPTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static URI token() {
        return TokenEndpoint.tokenUri(issuer);
    }

    static String idJag() {
        return TestIdJag.of(issuer, "alice", "notes", "notes.read").sign();
    }

    static HttpResponse<String> redeem(String idJag, String proof) throws Exception {
        return DPoPTokens.redeem(issuer, idJag, proof);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String jktOf(String accessToken) throws Exception {
        Object cnf = SignedJWT.parse(accessToken).getJWTClaimsSet().getClaim("cnf");
        return cnf instanceof Map<?, ?> m ? (String) m.get("jkt") : null;
    }

    @Test
    void theMetadataAdvertisesEs256Proofs() throws Exception {
        JsonNode md = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(issuer.asIssuer()
                + "/.well-known/oauth-authorization-server")).build(), HttpResponse.BodyHandlers.ofString()).body());

        assertThat(md.path("dpop_signing_alg_values_supported").toString()).isEqualTo("[\"ES256\"]");
    }

    @Test
    void aValidProofGetsADPoPTokenBoundToTheProofKey() throws Exception {
        HttpResponse<String> r = redeem(idJag(), key.forTokenRequest(token()));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("token_type").asText()).isEqualTo("DPoP");
        assertThat(jktOf(json(r).path("access_token").asText())).isEqualTo(key.jkt());
    }

    @Test
    void withoutAProofTheTokenIsBearerAsBefore() throws Exception {
        HttpResponse<String> r = redeem(idJag(), null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("token_type").asText()).isEqualTo("Bearer");
        assertThat(jktOf(json(r).path("access_token").asText())).isNull();
    }

    @Test
    void aReplayedProofIsRefused() throws Exception {
        String proof = key.forTokenRequest(token());
        assertThat(redeem(idJag(), proof).statusCode()).isEqualTo(200);

        HttpResponse<String> again = redeem(idJag(), proof);

        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(json(again).path("error").asText()).isEqualTo("invalid_dpop_proof");
    }

    @Test
    void brokenProofsAreInvalidDpopProof() throws Exception {
        DPoPProofs other = DPoPProofs.newKey();
        Map<String, String> broken = Map.of(
                "wrong htu", key.forTokenRequest(URI.create(issuer.asIssuer() + "/oauth/token")),
                "wrong htm", key.with(UUID.randomUUID().toString(), Duration.ZERO, "GET", token(), null),
                "stale iat", key.with(UUID.randomUUID().toString(), Duration.ofMinutes(-5), "POST", token(), null),
                "future iat", key.with(UUID.randomUUID().toString(), Duration.ofMinutes(5), "POST", token(), null),
                "signed by another key than its jwk", key.signedBy(other, token()),
                "not a JWT", "not-a-proof");
        for (var e : broken.entrySet()) {
            String idJag = idJag();
            HttpResponse<String> r = redeem(idJag, e.getValue());

            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(json(r).path("error").asText()).as(e.getKey()).isEqualTo("invalid_dpop_proof");
            assertThat(redeem(idJag, null).statusCode()).as(e.getKey() + ": the ID-JAG was not spent").isEqualTo(200);
        }
    }

    @Test
    void aBoundIdJagNeedsAProofOfItsKey() throws Exception {
        DPoPProofs other = DPoPProofs.newKey();
        String bound = TestIdJag.of(issuer, "alice", "notes", "notes.read").claim("cnf", Map.of("jkt", key.jkt())).sign();

        HttpResponse<String> none = redeem(bound, null);
        HttpResponse<String> wrongKey = redeem(bound, other.forTokenRequest(token()));
        HttpResponse<String> right = redeem(bound, key.forTokenRequest(token()));

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(json(none).path("error_description").asText()).contains("carries no DPoP proof");
        assertThat(json(wrongKey).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(json(wrongKey).path("error_description").asText()).contains("does not match cnf.jkt");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        assertThat(jktOf(json(right).path("access_token").asText())).isEqualTo(key.jkt());
    }

    @Test
    void inNonceModeTheAsDemandsTheNonceThenAcceptsIt() throws Exception {
        dpop("{\"asNonce\":true}");
        String idJag = idJag();

        HttpResponse<String> first = redeem(idJag, key.forTokenRequest(token()));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> wrong = redeem(idJag, key.forTokenRequest(token(), "not-the-nonce"));
        HttpResponse<String> retry = redeem(idJag, key.forTokenRequest(token(), nonce));

        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(json(first).path("error").asText()).isEqualTo("use_dpop_nonce");
        assertThat(json(wrong).path("error").asText()).isEqualTo("use_dpop_nonce");
        assertThat(retry.statusCode()).as("the same ID-JAG: the challenge spent nothing; " + retry.body()).isEqualTo(200);
        assertThat(json(retry).path("token_type").asText()).isEqualTo("DPoP");
        assertThat(redeem(idJag(), null).statusCode()).as("no proof, no nonce needed").isEqualTo(200);
    }

    @Test
    void requireDpopRefusesTokenRequestsWithoutAProof() throws Exception {
        dpop("{\"requireDpop\":true}");

        HttpResponse<String> none = redeem(idJag(), null);
        HttpResponse<String> proved = redeem(idJag(), key.forTokenRequest(token()));

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).path("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(json(none).path("error_description").asText()).contains("requires DPoP");
        assertThat(proved.statusCode()).isEqualTo(200);
    }

    @Test
    void theAuditRecordsBindingAndJktButNoTokenOrProof() throws Exception {
        String proof = key.forTokenRequest(token());
        HttpResponse<String> r = redeem(idJag(), proof);
        redeem(idJag(), proof); // replayed: refused
        String at = json(r).path("access_token").asText();

        List<JsonNode> lines = DPoPTokens.audit(issuer, "jwt-bearer");

        assertThat(lines).anySatisfy(n -> {
            assertThat(n.path("decision").asText()).isEqualTo("allow");
            assertThat(n.path("dpop").asBoolean()).isTrue();
            assertThat(n.path("jkt").asText()).isEqualTo(key.jkt());
        });
        assertThat(lines).anySatisfy(n -> {
            assertThat(n.path("decision").asText()).isEqualTo("deny");
            assertThat(n.path("reason").asText()).startsWith("invalid_dpop_proof");
        });
        String audit = Files.readString(issuer.auditFile());
        assertThat(audit).doesNotContain(at).doesNotContain(proof).doesNotContain(proof.split("\\.")[2]);
    }
}
