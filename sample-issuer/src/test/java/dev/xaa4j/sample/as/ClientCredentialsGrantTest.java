package dev.xaa4j.sample.as;

import static dev.xaa4j.sample.as.Headless.CI_CLIENT;
import static dev.xaa4j.sample.as.Headless.CI_SECRET;
import static dev.xaa4j.sample.as.Headless.clientCredentials;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.SampleIssuers;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code client_credentials} at the MCP AS (SEP-1046) over real HTTP: basic, post, private_key_jwt, refusals. */
class ClientCredentialsGrantTest extends SampleIssuerPerClass {

    static ECKey ciKey;

    @BeforeAll
    static void registerCiKey() throws Exception {
        ciKey = new ECKeyGenerator(Curve.P_256).keyID("ci-1").generate();
        Headless.registerKey(issuer, CI_CLIENT, ciKey);
    }

    static URI notes() {
        return issuer.server("notes");
    }

    @Test
    void metadataListsClientCredentialsAndPrivateKeyJwt() throws Exception {
        var md = com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata.resolve(
                new com.nimbusds.oauth2.sdk.id.Issuer(issuer.asIssuer()));
        assertThat(md.getGrantTypes()).extracting(Object::toString)
                .contains("client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        assertThat(md.getTokenEndpointAuthMethods()).extracting(Object::toString)
                .contains("client_secret_basic", "client_secret_post", "private_key_jwt");
        assertThat(md.getTokenEndpointJWSAlgs()).extracting(Object::toString).contains("ES256", "RS256");
    }

    @Test
    void basicIssuesAServiceTokenWithoutRefreshToken() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, List.of()), CI_CLIENT, CI_SECRET);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        assertThat(r.json()).containsEntry("token_type", "Bearer").containsEntry("scope", "notes.read")
                .doesNotContainKey("refresh_token");
        JWTClaimsSet at = SignedJWT.parse((String) r.json().get("access_token")).getJWTClaimsSet();
        assertThat(at.getSubject()).isEqualTo(CI_CLIENT);
        assertThat(at.getStringClaim("client_id")).isEqualTo(CI_CLIENT);
        assertThat(at.getAudience()).containsExactly(notes().toString());
        assertThat(Files.readString(issuer.auditFile())).contains("\"event\":\"client-credentials\"")
                .doesNotContain((String) r.json().get("access_token"), CI_SECRET);
    }

    @Test
    void postIssuesAToken() throws Exception {
        List<String[]> extra = List.of(new String[] {"client_id", CI_CLIENT}, new String[] {"client_secret", CI_SECRET});
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), "notes.read", extra), null, null);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        assertThat(r.json()).containsEntry("scope", "notes.read");
    }

    @Test
    void privateKeyJwtWithIssuerOrTokenEndpointAudienceIssuesTokens() throws Exception {
        for (URI aud : List.of(issuer.asIssuer(), TokenEndpoint.tokenUri(issuer))) {
            TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                    clientCredentials(notes(), null, Headless.assertion(CI_CLIENT, ciKey, aud)), null, null);
            assertThat(r.status()).as("aud %s: %s", aud, r.json()).isEqualTo(200);
            assertThat(SignedJWT.parse((String) r.json().get("access_token")).getJWTClaimsSet().getSubject())
                    .isEqualTo(CI_CLIENT);
        }
    }

    @Test
    void aReplayedOrForeignKeyAssertionIsInvalidClient() throws Exception {
        List<String[]> once = Headless.assertion(CI_CLIENT, ciKey, issuer.asIssuer());
        assertThat(TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), clientCredentials(notes(), null, once), null,
                null).status()).isEqualTo(200);
        TokenEndpoint.Reply replayed = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, once), null, null);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.error()).isEqualTo("invalid_client");

        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("ci-1").generate();
        TokenEndpoint.Reply foreign = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, Headless.assertion(CI_CLIENT, stranger, issuer.asIssuer())), null, null);
        assertThat(foreign.error()).isEqualTo("invalid_client");
    }

    @Test
    void aWrongSecretOrAnUnknownClientIsInvalidClient() throws Exception {
        TokenEndpoint.Reply wrong = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, List.of()), CI_CLIENT, "not-the-secret");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("invalid_client");
        TokenEndpoint.Reply unknown = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, List.of()), "nobody", "x");
        assertThat(unknown.error()).isEqualTo("invalid_client");
        TokenEndpoint.Reply none = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, List.of()), null, null);
        assertThat(none.error()).isEqualTo("invalid_client");
        assertThat(Files.readString(issuer.auditFile())).doesNotContain("not-the-secret");
    }

    @Test
    void aClientNotListedForHeadlessUseIsUnauthorizedClient() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                clientCredentials(notes(), null, List.of()), SampleIssuers.AS_CLIENT, SampleIssuers.AS_SECRET);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("unauthorized_client");
        assertThat(r.description()).contains("headless.clients");
    }

    @Test
    void scopeAndResourceAreChecked() throws Exception {
        assertThat(cc(notes(), "notes.write").error()).isEqualTo("invalid_scope");
        assertThat(cc(issuer.server("tickets"), null).error()).isEqualTo("invalid_scope");
        assertThat(cc(URI.create("https://elsewhere.example/mcp"), null).error()).isEqualTo("invalid_target");
        assertThat(cc(issuer.server("wiki"), null).error()).isEqualTo("invalid_target");
        assertThat(cc(notes(), "notes.read notes.write").json()).containsEntry("scope", "notes.read");
        List<String[]> noResource = new ArrayList<>(List.<String[]>of(new String[] {"grant_type", "client_credentials"}));
        assertThat(TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), noResource, CI_CLIENT, CI_SECRET).error())
                .isEqualTo("invalid_request");
    }

    private static TokenEndpoint.Reply cc(URI resource, String scope) throws Exception {
        return TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), clientCredentials(resource, scope, List.of()),
                CI_CLIENT, CI_SECRET);
    }
}
