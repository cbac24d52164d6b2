package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.bridge.PerServerTokenSource;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@code xaa token} prints (issue 12 point 1): a Bearer token as before; a DPoP-bound token as the proof
 * recipe (token type, token, expiry, {@code jkt}, one proof for one request, the command for the next), the
 * header format the same in words on stderr; {@code --dpop-proof} a proof alone. Proofs come from the token
 * source (a double with real Nimbus proofs) and are verified with the public key.
 */
@org.junit.jupiter.api.Timeout(30)
class TokenRecipeTest {

    private static final URI URL = URI.create("https://notes.example/mcp?tenant=7");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private void print(PerServerTokenSource source, String format, String method) {
        TokenRecipe.print(new PrintWriter(out, true), new PrintWriter(err, true), source, "notes",
                source.token("notes"), format, method, URL);
    }

    private static PerServerTokenSource source(ECKey key, String token) {
        PerServerTokenSource s = new PerServerTokenSource("notes", AuthMode.EMA);
        s.dpopKey = key;
        s.grant(token);
        return s;
    }

    @Test
    void aDpopBoundTokenPrintsTheProofRecipeAsJson() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        print(source(key, "at-dpop"), "json", "get");
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("token_type").asText()).isEqualTo("DPoP");
        assertThat(doc.path("access_token").asText()).isEqualTo("at-dpop");
        assertThat(doc.path("Authorization").asText()).isEqualTo("DPoP at-dpop");
        assertThat(doc.has("expires_at")).isTrue();
        assertThat(doc.path("jkt").asText()).isEqualTo(key.computeThumbprint().toString());
        assertThat(doc.path("proof").path("htm").asText()).isEqualTo("GET");
        assertThat(doc.path("proof").path("htu").asText()).isEqualTo("https://notes.example/mcp");
        JWTClaimsSet claims = verified(doc.path("proof").path("DPoP").asText(), key);
        assertThat(claims.getStringClaim("htm")).isEqualTo("GET");
        assertThat(claims.getStringClaim("htu")).isEqualTo("https://notes.example/mcp");
        assertThat(doc.path("next_proof").asText()).isEqualTo("xaa token notes --dpop-proof METHOD URL");
        assertThat(doc.path("note").asText()).as("how to answer a DPoP-Nonce, as the header format's hint says")
                .contains("DPoP-Nonce", "add --nonce NONCE");
        assertThat(out.toString()).doesNotContain(key.getD().toString());
    }

    @Test
    void theHeaderFormatGivesBothHeadersAndSaysInWordsThatTheProofIsForOneRequest() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        print(source(key, "at-dpop"), "header", "POST");
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("Authorization: DPoP at-dpop");
        assertThat(verified(lines[1].substring("DPoP: ".length()), key).getStringClaim("htm")).isEqualTo("POST");
        assertThat(err.toString()).contains("DPoP-bound", "one POST to https://notes.example/mcp",
                "xaa token notes --dpop-proof METHOD URL").doesNotContain("at-dpop");
    }

    @Test
    void aTokenThisProcessGotOnItsOwnPointsToAnotherTokenWithItsProofNotToDpopProof() throws Exception {
        // found without a running agent: `xaa token notes --dpop-proof POST URL` signed for a new token of its own,
        // and the MCP server refused it with the printed token (401 invalid_token, ath mismatch)
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        PerServerTokenSource s = source(key, "at-dpop");
        Optional<String> again = TokenRecipe.again("notes", s.token("notes"), false, Optional.empty());
        assertThat(again).contains("xaa token notes --format json");
        assertThat(TokenRecipe.again("notes", s.token("notes"), true, Optional.empty())).as("an agent keeps the token").isEmpty();
        assertThat(TokenRecipe.again("wl", s.token("notes"), true, Optional.of("file:/run/wl.jwt")))
                .contains("xaa token wl --workload file:/run/wl.jwt --format json");

        TokenRecipe.print(new PrintWriter(out, true), new PrintWriter(err, true), s, "notes", s.token("notes"), "json",
                "POST", URL, again);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("next_proof").asText()).isEqualTo("xaa token notes --format json");
        assertThat(doc.path("note").asText()).contains("`--dpop-proof` fits only a token that `xaa agent`");
        out.getBuffer().setLength(0);
        TokenRecipe.print(new PrintWriter(out, true), new PrintWriter(err, true), s, "notes", s.token("notes"), "header",
                "POST", URL, again);
        assertThat(err.toString()).contains("take a new token with its proof: `xaa token notes --format json`")
                .doesNotContain("--dpop-proof METHOD URL");

        assertThat(TokenRecipe.proofWouldNotFit("notes", again.get(), false).getMessage())
                .contains("no `xaa agent` or tray app runs", "`xaa token notes --format json`", "start `xaa agent` first");
        assertThat(TokenRecipe.proofWouldNotFit("wl", "xaa token wl --workload file:x --format json", true).getMessage())
                .contains("--workload run keeps its DPoP key in its own process").doesNotContain("xaa agent");
    }

    @Test
    void eachProofIsFreshAndCarriesTheNonceGiven() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        PerServerTokenSource s = source(key, "at-dpop");
        AccessToken t = s.token("notes");
        JWTClaimsSet a = verified(TokenRecipe.proof(s, "notes", t, "delete", URL, Optional.of("n-1")), key);
        JWTClaimsSet b = verified(TokenRecipe.proof(s, "notes", t, "DELETE", URL, Optional.empty()), key);
        assertThat(a.getStringClaim("htm")).isEqualTo("DELETE");
        assertThat(a.getStringClaim("nonce")).isEqualTo("n-1");
        assertThat(b.getClaim("nonce")).isNull();
        assertThat(a.getJWTID()).isNotEqualTo(b.getJWTID());
    }

    @Test
    void aBearerTokenPrintsAsBeforeAndTakesNoProof() {
        PerServerTokenSource s = new PerServerTokenSource("notes", AuthMode.EMA);
        s.grant("at-bearer");
        print(s, "header", "POST");
        assertThat(out.toString().strip()).isEqualTo("Authorization: Bearer at-bearer");
        assertThat(err.toString()).isEmpty();
        assertThatThrownBy(() -> TokenRecipe.proof(s, "notes", s.token("notes"), "POST", URL, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bearer token")
                .hasMessageNotContaining("at-bearer");
    }

    private static JWTClaimsSet verified(String proof, ECKey key) throws Exception {
        SignedJWT jwt = SignedJWT.parse(proof);
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("dpop+jwt");
        assertThat(jwt.verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
        return jwt.getJWTClaimsSet();
    }
}
