package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.as.TokenEndpoint;
import dev.xaa4j.sample.dpop.DPoPProofs;
import dev.xaa4j.sample.dpop.SampleIssuerDPoPTest;
import dev.xaa4j.sample.dpop.DPoPTokens;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DPoP at the IdP's token exchange (docs/protocol.md §3.2 item 7): a proof binds the ID-JAG ({@code cnf.jkt}); the
 * AS then redeems it only with a proof of that key (§3.3 item 11); the IdP's nonce switch; the admin API.
 */
@Timeout(60)
class IdpDPoPTest extends SampleIssuerDPoPTest {

    IdpTestClient client;
    String idToken;

    @BeforeEach
    void signIn() {
        client = new IdpTestClient(issuer.idpIssuer());
        idToken = client.idToken("alice");
    }


    /** The exchange as the demo client, with {@code proof} when not {@code null}. */
    HttpResponse<String> exchange(String proof) {
        IdpTestClient.ClientAuth auth = (r, f) -> {
            demoBasic().apply(r, f);
            if (proof != null) {
                r.header("DPoP", proof);
            }
        };
        return client.exchange(idToken, issuer.asIssuer().toString(), issuer.server("notes").toString(), "notes.read",
                auth);
    }

    static Object cnf(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet().getClaim("cnf");
    }

    @Test
    void theDiscoveryDocumentAdvertisesEs256Proofs() throws Exception {
        JsonNode md = JSON.readTree(client.get(URI.create(issuer.idpIssuer() + "/.well-known/openid-configuration")).body());

        assertThat(md.path("dpop_signing_alg_values_supported").toString()).isEqualTo("[\"ES256\"]");
    }

    @Test
    void aProofOnTheExchangeBindsTheIdJagWhichTheAsRedeemsOnlyWithThatKey() throws Exception {
        HttpResponse<String> r = exchange(key.forTokenRequest(client.tokenEndpoint()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String idJag = (String) IdpTestClient.json(r).get("access_token");
        URI asToken = TokenEndpoint.tokenUri(issuer);

        assertThat(cnf(idJag)).isEqualTo(Map.of("jkt", key.jkt()));
        HttpResponse<String> without = DPoPTokens.redeem(issuer, idJag, null);
        HttpResponse<String> otherKey = DPoPTokens.redeem(issuer, idJag, DPoPProofs.newKey().forTokenRequest(asToken));
        HttpResponse<String> sameKey = DPoPTokens.redeem(issuer, idJag, key.forTokenRequest(asToken));

        assertThat(JSON.readTree(without.body()).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(JSON.readTree(otherKey.body()).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(JSON.readTree(otherKey.body()).path("error_description").asText()).contains("cnf.jkt");
        assertThat(sameKey.statusCode()).as(sameKey.body()).isEqualTo(200);
        assertThat(JSON.readTree(sameKey.body()).path("token_type").asText()).isEqualTo("DPoP");
    }

    @Test
    void withoutAProofTheIdJagIsUnboundAndABadProofIsRefused() throws Exception {
        HttpResponse<String> plain = exchange(null);
        HttpResponse<String> wrongHtu = exchange(key.forTokenRequest(TokenEndpoint.tokenUri(issuer)));

        assertThat(cnf((String) IdpTestClient.json(plain).get("access_token"))).isNull();
        assertThat(wrongHtu.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(wrongHtu)).containsEntry("error", "invalid_dpop_proof");
    }

    @Test
    void inNonceModeTheIdpDemandsTheNonceThenAcceptsIt() throws Exception {
        HttpResponse<String> on = client.admin("POST", "/admin/dpop", "{\"idpNonce\":true}", issuer.adminToken());
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(IdpTestClient.json(on)).containsEntry("idpNonce", true).containsEntry("asNonce", false);

        HttpResponse<String> first = exchange(key.forTokenRequest(client.tokenEndpoint()));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> retry = exchange(key.forTokenRequest(client.tokenEndpoint(), nonce));

        assertThat(IdpTestClient.json(first)).containsEntry("error", "use_dpop_nonce");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(cnf((String) IdpTestClient.json(retry).get("access_token"))).isEqualTo(Map.of("jkt", key.jkt()));
    }

    @Test
    void theAdminApiNamesTheSwitchesAndRefusesUnknownOnes() {
        String admin = issuer.adminToken();

        HttpResponse<String> unknown = client.admin("POST", "/admin/dpop", "{\"nonces\":true}", admin);
        HttpResponse<String> notBoolean = client.admin("POST", "/admin/dpop", "{\"asNonce\":\"yes\"}", admin);
        HttpResponse<String> anonymous = client.admin("POST", "/admin/dpop", "{\"asNonce\":true}", null);
        HttpResponse<String> current = client.admin("GET", "/admin/dpop", null, admin);

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("idpNonce", "asNonce", "rsNonce", "requireDpop");
        assertThat(notBoolean.statusCode()).isEqualTo(400);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(current)).isEqualTo(Map.of("idpNonce", false, "asNonce", false, "rsNonce", false,
                "requireDpop", false));
    }
}
