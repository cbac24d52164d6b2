package dev.xaa4j.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IdP issues ID-JAGs for an MCP server of an external AS ({@code --external-as}, e.g. Keycloak redeeming them:
 * interop/keycloak/run-ema.sh): {@code aud} = that AS's issuer, {@code client_id} = the IdP client's
 * {@code asClientId}, {@code scope} = what the policy grants for that server, nothing when it grants nothing.
 */
@Timeout(60)
class IdpExternalAsIdJagTest {

    static final URI EXTERNAL = URI.create("http://127.0.0.1:1/realms/ras");

    @TempDir
    static Path state;
    static SampleIssuer issuer;
    static IdpTestClient client;

    @BeforeAll
    static void start() throws Exception {
        ObjectNode policy;
        try (InputStream in = IdpExternalAsIdJagTest.class.getResourceAsStream("/demo-policy.json")) {
            policy = (ObjectNode) IdpTestClient.JSON.readTree(in);
        }
        ObjectNode grant = ((ArrayNode) policy.get("grants")).addObject();
        grant.put("user", "alice");
        grant.putArray("scopes").add("kc:read");
        Path file = state.resolve("policy-with-kc.json");
        IdpTestClient.JSON.writeValue(file.toFile(), policy);
        issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0).withPolicyFile(file)
                .withExternalAs(new IssuerSettings.ExternalAs("kc", EXTERNAL)));
        client = new IdpTestClient(issuer.idpIssuer());
    }

    @AfterAll
    static void stop() throws Exception {
        issuer.close();
    }

    @Test
    void anEntitledUserGetsAnIdJagForTheExternalAsWithTheScopeThePolicyGrants() throws Exception {
        HttpResponse<String> r = client.exchange(client.idToken("alice"), EXTERNAL.toString(),
                issuer.server("kc").toString(), "kc:read kc:write", IdpTestClient.demoBasic());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> body = IdpTestClient.json(r);
        assertThat(body.get("scope")).isEqualTo("kc:read");
        SignedJWT idJag = SignedJWT.parse((String) body.get("access_token"));
        assertThat(idJag.getHeader().getType().toString()).isEqualTo("oauth-id-jag+jwt");
        JWTClaimsSet claims = idJag.getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(EXTERNAL.toString());
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("xaa-desktop-mcp");
        assertThat(claims.getStringClaim("resource")).isEqualTo(issuer.server("kc").toString());
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @Test
    void aUserThePolicyGrantsNothingThereIsDenied() {
        HttpResponse<String> r = client.exchange(client.idToken("bob"), EXTERNAL.toString(),
                issuer.server("kc").toString(), null, IdpTestClient.demoBasic());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(r).get("error")).isEqualTo("access_denied");
    }

    @Test
    void theExternalAsIsPairedOnlyWithItsOwnServer() {
        HttpResponse<String> r = client.exchange(client.idToken("alice"), EXTERNAL.toString(),
                issuer.server("notes").toString(), null, IdpTestClient.demoBasic());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(r).get("error")).isEqualTo("invalid_target");
    }
}
