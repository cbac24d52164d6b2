package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.CLIENT_ID;
import static dev.xaa4j.sample.idp.IdpTestClient.CLIENT_SECRET;
import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.idp.IdpTestClient.Pkce;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token exchange ID token → ID-JAG at the sample IdP (docs/protocol.md §1 step 2, §2, §3.2; issue 2 items 5, 6, 10). */
class IdpTokenExchangeTest {

    @TempDir
    static Path state;
    static RSAKey clientKey;
    static SampleIssuer issuer;
    static IdpTestClient client;
    static String as;
    static String notes;
    static String tickets;

    @BeforeAll
    static void start() throws Exception {
        clientKey = IdpTestPolicies.newClientKey();
        issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0)
                .withPolicyFile(IdpTestPolicies.demoWithKeyClient(state, clientKey)));
        client = new IdpTestClient(issuer.idpIssuer());
        as = issuer.asIssuer().toString();
        notes = issuer.server("notes").toString();
        tickets = issuer.server("tickets").toString();
    }

    @AfterAll
    static void stop() throws Exception {
        issuer.close();
    }

    @Test
    void exchangeIssuesAnIdJagWithTypedHeaderAndEveryRequiredClaim() throws Exception {
        String idToken = client.idToken("alice");
        Instant before = Instant.now().minusSeconds(1);
        HttpResponse<String> r = client.exchange(idToken, as, notes, "notes.read notes.write", demoBasic());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> body = IdpTestClient.json(r);
        assertThat(body).containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:id-jag")
                .containsEntry("token_type", "N_A")
                .containsEntry("scope", "notes.read notes.write")
                .containsEntry("expires_in", 300)
                .doesNotContainKey("refresh_token");

        SignedJWT jag = SignedJWT.parse((String) body.get("access_token"));
        assertThat(jag.getHeader().getType()).isEqualTo(new JOSEObjectType("oauth-id-jag+jwt"));
        assertThat(jag.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAKey key = (RSAKey) JWKSet.load(issuer.idpIssuer().resolve("/jwks").toURL())
                .getKeyByKeyId(jag.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(jag.verify(new RSASSAVerifier(key))).isTrue();

        JWTClaimsSet c = jag.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(issuer.idpIssuer().toString());
        assertThat(c.getSubject()).isEqualTo("alice");
        assertThat(jag.getPayload().toJSONObject().get("aud")).isEqualTo(as); // a single string, not an array
        assertThat(c.getStringClaim("client_id")).isEqualTo("xaa-desktop-mcp");
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(c.getIssueTime().toInstant()).isAfter(before);
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(300_000L);
        assertThat(c.getStringClaim("resource")).isEqualTo(notes);
        assertThat(c.getStringClaim("scope")).isEqualTo("notes.read notes.write");
        assertThat(c.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(c.getLongClaim("auth_time"))
                .isEqualTo(SignedJWT.parse(idToken).getJWTClaimsSet().getLongClaim("auth_time"));
    }

    @Test
    void everyExchangeMintsAFreshJti() throws Exception {
        String idToken = client.idToken("alice");
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> body = IdpTestClient.json(client.exchange(idToken, as, tickets, null, demoBasic()));
            jtis.add(SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet().getJWTID());
            assertThat(body).containsEntry("scope", "tickets.read tickets.write"); // no scope → all entitled
        }
        assertThat(jtis).hasSize(3);
    }

    @Test
    void exchangeWithoutClientAuthenticationIsInvalidClient401() {
        String idToken = client.idToken("alice");
        HttpResponse<String> r = client.exchange(idToken, as, notes, "notes.read",
                (b, f) -> f.put("client_id", CLIENT_ID));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_client");
        HttpResponse<String> none = client.exchange(idToken, as, notes, "notes.read", IdpTestClient.none());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(none)).containsEntry("error", "invalid_client");
    }

    @Test
    void exchangeWorksWithClientSecretBasic() {
        assertThat(client.exchange(client.idToken("bob"), as, notes, "notes.read", demoBasic()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void exchangeWorksWithClientSecretPost() {
        HttpResponse<String> r = client.exchange(client.idToken("bob"), as, notes, "notes.read",
                IdpTestClient.post(CLIENT_ID, CLIENT_SECRET));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void exchangeWorksWithPrivateKeyJwtAndMapsTheClientIdAtTheAs() throws Exception {
        IdpTestClient.ClientAuth keyAuth = client.privateKeyJwt(IdpTestPolicies.KEY_CLIENT_ID, clientKey);
        Pkce pkce = Pkce.s256();
        Map<String, String> params = IdpTestClient.authorizeParams(pkce);
        params.put("client_id", IdpTestPolicies.KEY_CLIENT_ID);
        Map<String, String> callback = client.signIn(params, "alice", "alice");
        HttpResponse<String> tokens = client.redeemCode(callback.get("code"), params.get("redirect_uri"),
                pkce.verifier(), keyAuth);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        String idToken = (String) IdpTestClient.json(tokens).get("id_token");

        HttpResponse<String> r = client.exchange(idToken, as, notes, "notes.read",
                client.privateKeyJwt(IdpTestPolicies.KEY_CLIENT_ID, clientKey));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        SignedJWT jag = SignedJWT.parse((String) IdpTestClient.json(r).get("access_token"));
        assertThat(jag.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo(IdpTestPolicies.KEY_CLIENT_AS_ID);
    }

    @Test
    void privateKeyJwtSignedWithAnotherKeyIsInvalidClient() throws Exception {
        HttpResponse<String> r = client.exchange(client.idToken("alice"), as, notes, "notes.read",
                client.privateKeyJwt(IdpTestPolicies.KEY_CLIENT_ID, IdpTestPolicies.newClientKey()));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_client");
    }

    @Test
    void subjectIdTokenOfAnotherClientIsInvalidRequest() {
        // alice's ID token was issued to xaa-desktop; the key client presents it
        HttpResponse<String> r = client.exchange(client.idToken("alice"), as, notes, "notes.read",
                client.privateKeyJwt(IdpTestPolicies.KEY_CLIENT_ID, clientKey));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_request")
                .containsEntry("error_description",
                        "subject_token was issued to another client (aud does not name the authenticated client)");
    }

    @Test
    void forgedOrGarbageSubjectTokenIsInvalidRequest() throws Exception {
        SignedJWT real = SignedJWT.parse(client.idToken("alice"));
        SignedJWT forged = new SignedJWT(real.getHeader(), real.getJWTClaimsSet());
        forged.sign(new com.nimbusds.jose.crypto.RSASSASigner(IdpTestPolicies.newClientKey()));
        assertThat(IdpTestClient.json(client.exchange(forged.serialize(), as, notes, null, demoBasic())))
                .containsEntry("error", "invalid_request")
                .containsEntry("error_description", "subject_token was not signed by this IdP");
        assertThat(IdpTestClient.json(client.exchange("garbage", as, notes, null, demoBasic())))
                .containsEntry("error", "invalid_request");
    }

    @Test
    void idJagIsNotAcceptedAsSubjectToken() {
        String jag = (String) IdpTestClient.json(client.exchange(client.idToken("alice"), as, notes, null,
                demoBasic())).get("access_token");
        assertThat(IdpTestClient.json(client.exchange(jag, as, notes, null, demoBasic())))
                .containsEntry("error", "invalid_request")
                .containsEntry("error_description", "subject_token is an ID-JAG; present an ID token");
    }

    @Test
    void requestedTokenTypeMustBeIdJag() {
        HttpResponse<String> r = client.postForm(client.tokenEndpoint(), Map.of(
                "grant_type", IdpTestClient.TOKEN_EXCHANGE,
                "requested_token_type", "urn:ietf:params:oauth:token-type:access_token",
                "subject_token", client.idToken("alice"), "subject_token_type", IdpTestClient.ID_TOKEN_TYPE,
                "audience", as, "resource", notes), demoBasic());
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_request");
    }

    @Test
    void refreshTokenIsAcceptedAsSubjectToken() {
        String refreshToken = (String) client.login("alice").get("refresh_token");
        HttpResponse<String> r = client.postForm(client.tokenEndpoint(), Map.of(
                "grant_type", IdpTestClient.TOKEN_EXCHANGE, "requested_token_type", IdpTestClient.ID_JAG_TYPE,
                "subject_token", refreshToken,
                "subject_token_type", "urn:ietf:params:oauth:token-type:refresh_token",
                "audience", as, "resource", notes, "scope", "notes.read"), demoBasic());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(IdpTestClient.json(r)).containsEntry("scope", "notes.read").doesNotContainKey("refresh_token");
    }

    @Test
    void unknownAudienceIsInvalidTarget() {
        String idToken = client.idToken("alice");
        for (String audience : new String[] {"https://other-as.example", as + "/", issuer.idpIssuer().toString()}) {
            assertInvalidTarget(idToken, audience, notes);
        }
    }

    @Test
    void resourceNotPairedWithTheAudienceIsInvalidTarget() {
        String idToken = client.idToken("alice");
        for (String resource : new String[] {as, notes + "/", issuer.server("notes").resolve("/other/mcp").toString(),
                "https://mcp.example/notes/mcp"}) {
            assertInvalidTarget(idToken, as, resource);
        }
    }

    @Test
    void missingAudienceOrResourceIsInvalidRequest() {
        String idToken = client.idToken("alice");
        assertThat(IdpTestClient.json(client.exchange(idToken, null, notes, null, demoBasic())))
                .containsEntry("error", "invalid_request");
        assertThat(IdpTestClient.json(client.exchange(idToken, as, null, null, demoBasic())))
                .containsEntry("error", "invalid_request")
                .containsEntry("error_description", "resource is required: the MCP server's resource identifier");
    }

    @Test
    void scopeBeyondEntitlementGrantsTheEntitledSubset() throws Exception {
        HttpResponse<String> r = client.exchange(client.idToken("bob"), as, notes, "notes.read notes.write",
                demoBasic());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> body = IdpTestClient.json(r);
        assertThat(body).containsEntry("scope", "notes.read");
        assertThat(SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("notes.read");
    }

    @Test
    void noEntitledScopeIsAccessDenied() {
        HttpResponse<String> carol = client.exchange(client.idToken("carol"), as, notes, "notes.read", demoBasic());
        assertThat(carol.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(carol)).containsEntry("error", "access_denied");
        assertThat((String) IdpTestClient.json(carol).get("error_description")).contains("no entitlement");

        HttpResponse<String> bob = client.exchange(client.idToken("bob"), as, tickets, "tickets.read", demoBasic());
        assertThat(IdpTestClient.json(bob)).containsEntry("error", "access_denied");

        HttpResponse<String> bobWrite = client.exchange(client.idToken("bob"), as, notes, "notes.write", demoBasic());
        assertThat(IdpTestClient.json(bobWrite)).containsEntry("error", "access_denied");
    }

    /** Exchanging {@code idToken} for {@code audience} and {@code resource} is {@code invalid_target} (HTTP 400). */
    private void assertInvalidTarget(String idToken, String audience, String resource) {
        HttpResponse<String> r = client.exchange(idToken, audience, resource, "notes.read", demoBasic());
        String pair = "audience " + audience + ", resource " + resource;
        assertThat(r.statusCode()).as(pair).isEqualTo(400);
        assertThat(IdpTestClient.json(r)).as(pair).containsEntry("error", "invalid_target");
    }
}
