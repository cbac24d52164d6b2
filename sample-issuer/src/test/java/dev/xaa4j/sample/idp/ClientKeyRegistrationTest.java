package dev.xaa4j.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.sample.as.Headless;
import dev.xaa4j.sample.as.TestIdJag;
import dev.xaa4j.sample.as.TokenEndpoint;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * private_key_jwt clients registered by public key at run time ({@code POST /admin/clients/{id}/jwks}, the
 * {@code --client-jwks} file path): client assertions with {@code aud} = the issuer (RFC 7523bis) or the token
 * endpoint (RFC 7523 §3) at the IdP (code, refresh, token exchange) and at the MCP AS; foreign keys and replays fail.
 */
class ClientKeyRegistrationTest extends IdpPerClass {

    static ECKey idpKey;
    static ECKey asKey;

    @BeforeAll
    static void registerKeys() throws Exception {
        idpKey = new ECKeyGenerator(Curve.P_256).keyID("install-1").generate();
        asKey = new ECKeyGenerator(Curve.P_256).keyID("install-1-mcp").generate();
        HttpResponse<String> r = client.admin("POST", "/admin/clients/" + SampleIssuers.IDP_CLIENT + "/jwks",
                idpKey.toPublicJWK().toJSONString(), issuer.adminToken());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(IdpTestClient.json(r)).containsEntry("registeredAt", List.of("idp"))
                .containsEntry("kids", List.of("install-1"));
        Path jwks = issuerState.resolve("mcp-client.jwks.json");
        Files.writeString(jwks, new JWKSet(asKey.toPublicJWK()).toString());
        issuer.registerClientKeys(SampleIssuers.AS_CLIENT, jwks); // what --client-jwks does
    }

    /** IdP client authentication: an ES256 assertion from {@code key} with audience {@code aud}. */
    static IdpTestClient.ClientAuth assertion(ECKey key, URI aud) {
        return (r, f) -> Headless.assertion(SampleIssuers.IDP_CLIENT, key, aud).forEach(p -> f.put(p[0], p[1]));
    }

    Map<String, Object> signInWith(IdpTestClient.ClientAuth auth) {
        IdpTestClient.Pkce pkce = IdpTestClient.Pkce.s256();
        Map<String, String> params = IdpTestClient.authorizeParams(pkce);
        Map<String, String> callback = client.signIn(params, "alice", "alice");
        HttpResponse<String> tokens = client.redeemCode(callback.get("code"), params.get("redirect_uri"),
                pkce.verifier(), auth);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return IdpTestClient.json(tokens);
    }

    @Test
    void atTheIdpCodeRefreshAndExchangeAcceptIssuerAndTokenEndpointAudiences() {
        for (URI aud : List.of(issuer.idpIssuer(), client.tokenEndpoint())) {
            Map<String, Object> tokens = signInWith(assertion(idpKey, aud));
            HttpResponse<String> refreshed = client.refresh((String) tokens.get("refresh_token"), assertion(idpKey, aud));
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            HttpResponse<String> jag = client.exchange((String) IdpTestClient.json(refreshed).get("id_token"),
                    issuer.asIssuer().toString(), issuer.server("notes").toString(), "notes.read",
                    assertion(idpKey, aud));
            assertThat(jag.statusCode()).as(jag.body()).isEqualTo(200);
        }
    }

    @Test
    void atTheIdpAForeignKeyOrAReplayedAssertionIsInvalidClient() throws Exception {
        String rt = (String) client.login("alice").get("refresh_token");
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("install-1").generate();
        HttpResponse<String> foreign = client.refresh(rt, assertion(stranger, issuer.idpIssuer()));
        assertThat(foreign.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(foreign)).containsEntry("error", "invalid_client");

        List<String[]> once = Headless.assertion(SampleIssuers.IDP_CLIENT, idpKey, issuer.idpIssuer());
        IdpTestClient.ClientAuth replayable = (r, f) -> once.forEach(p -> f.put(p[0], p[1]));
        HttpResponse<String> first = client.refresh(rt, replayable);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> replay = client.refresh((String) IdpTestClient.json(first).get("refresh_token"),
                replayable);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(replay)).containsEntry("error", "invalid_client");
        assertThat(client.refresh(rt, IdpTestClient.demoBasic()).statusCode()).as("the secret still works, and "
                + "the used RT is refused by the grant, not by client auth").isEqualTo(400);
    }

    @Test
    void atTheAsTheRegisteredKeyAuthenticatesTheJwtBearerRequest() throws Exception {
        for (URI aud : List.of(issuer.asIssuer(), TokenEndpoint.tokenUri(issuer))) {
            TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), jwtBearer(asKey, aud), null,
                    null);
            assertThat(r.status()).as("aud %s: %s", aud, r.json()).isEqualTo(200);
        }
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("install-1-mcp").generate();
        TokenEndpoint.Reply foreign = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                jwtBearer(stranger, issuer.asIssuer()), null, null);
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.error()).isEqualTo("invalid_client");
    }

    @Test
    void privateKeysUnknownClientsAndGarbageAreRefusedWithoutEchoingTheKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        HttpResponse<String> priv = client.admin("POST", "/admin/clients/" + SampleIssuers.IDP_CLIENT + "/jwks",
                key.toJSONString(), issuer.adminToken());
        assertThat(priv.statusCode()).isEqualTo(400);
        assertThat(priv.body()).contains("private key").doesNotContain(key.getD().toString());
        HttpResponse<String> unknown = client.admin("POST", "/admin/clients/nobody/jwks",
                key.toPublicJWK().toJSONString(), issuer.adminToken());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("xaa-desktop");
        assertThat(client.admin("POST", "/admin/clients/xaa-desktop/jwks", "not json", issuer.adminToken())
                .statusCode()).isEqualTo(400);
        assertThat(client.admin("POST", "/admin/clients/xaa-desktop/jwks", key.toPublicJWK().toJSONString(), null)
                .statusCode()).isEqualTo(401);
        assertThat(Files.readString(issuer.auditFile())).contains("\"event\":\"client-keys\"")
                .doesNotContain(key.getD().toString());
    }

    private static List<String[]> jwtBearer(ECKey key, URI aud) {
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"grant_type", TokenEndpoint.JWT_BEARER});
        form.add(new String[] {"assertion", TestIdJag.of(issuer, "alice", "notes", "notes.read").sign()});
        form.addAll(Headless.assertion(SampleIssuers.AS_CLIENT, key, aud));
        return form;
    }
}
