package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.CLIENT_ID;
import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.xaa4j.sample.idp.IdpTestClient.LoginForm;
import dev.xaa4j.sample.idp.IdpTestClient.Pkce;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OIDC code flow with PKCE at the sample IdP (issue 2 item 5, docs/protocol.md §1 step 1). */
class IdpCodeFlowTest extends IdpPerClass {

    @Test
    void loginPageIsAPostFormWithUsernamePasswordAndOnlyHiddenOtherFields() {
        HttpResponse<String> page = client.authorize(IdpTestClient.authorizeParams(Pkce.s256()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        LoginForm form = LoginForm.parse(page.body());
        assertThat(form.method()).isEqualTo("post");
        assertThat(form.action()).isEqualTo("/authorize");
        assertThat(form.inputs()).containsKeys("username", "password");
        assertThat(page.body()).containsPattern("<input type=\"hidden\" name=\"request_id\" value=\"[A-Za-z0-9_-]{43}\">");
        assertThat(page.body().split("<input ")).hasSize(4); // hidden id, username, password
    }

    @Test
    void happyCodeFlowIssuesAVerifiableIdTokenWithNonceAudAzp() throws Exception {
        Pkce pkce = Pkce.s256();
        Map<String, String> params = IdpTestClient.authorizeParams(pkce);
        Map<String, String> callback = client.signIn(params, "alice", "alice");
        assertThat(callback).containsEntry("state", params.get("state"))
                .containsEntry("iss", issuer.idpIssuer().toString());
        assertThat(callback.get("code")).hasSizeGreaterThanOrEqualTo(22);

        HttpResponse<String> r = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                demoBasic());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> tokens = IdpTestClient.json(r);
        assertThat(tokens).containsEntry("token_type", "Bearer").containsKeys("access_token", "expires_in",
                "refresh_token", "id_token");
        assertThat(IdpTestClient.scopes(tokens.get("scope"))).containsExactlyInAnyOrder("openid", "offline_access",
                "email", "profile");

        JWKSet jwks = JWKSet.load(issuer.idpIssuer().resolve("/jwks").toURL());
        SignedJWT idToken = SignedJWT.parse((String) tokens.get("id_token"));
        IDTokenClaimsSet claims = new IDTokenValidator(new Issuer(issuer.idpIssuer().toString()),
                new ClientID(CLIENT_ID), JWSAlgorithm.RS256, jwks).validate(idToken, new Nonce(params.get("nonce")));
        assertThat(idToken.getHeader().getKeyID()).isEqualTo(issuer.idpKeys().current().getKeyID());
        assertThat(claims.getSubject().getValue()).isEqualTo("alice");
        assertThat(claims.getAudience()).extracting(Object::toString).containsExactly(CLIENT_ID);
        assertThat(claims.getAuthorizedParty().getValue()).isEqualTo(CLIENT_ID);
        assertThat(claims.getAuthenticationTime()).isNotNull();
        JWTClaimsSet raw = idToken.getJWTClaimsSet();
        assertThat(raw.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(raw.getStringClaim("name")).isEqualTo("Alice Anders");
        assertThat(raw.getExpirationTime().getTime() - raw.getIssueTime().getTime()).isEqualTo(600_000L);
    }

    @Test
    void withoutOfflineAccessNoRefreshTokenAndNoEmailClaim() throws Exception {
        Pkce pkce = Pkce.s256();
        Map<String, String> params = IdpTestClient.authorizeParams(pkce);
        params.put("scope", "openid");
        Map<String, String> callback = client.signIn(params, "bob", "bob");
        Map<String, Object> tokens = IdpTestClient.json(client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT,
                pkce.verifier(), demoBasic()));
        assertThat(tokens).containsKey("id_token").doesNotContainKey("refresh_token").containsEntry("scope", "openid");
        assertThat(SignedJWT.parse((String) tokens.get("id_token")).getJWTClaimsSet().getClaims())
                .doesNotContainKeys("email", "name");
    }

    @Test
    void missingPkceIsRedirectedBackAsInvalidRequest() {
        Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
        params.remove("code_challenge");
        params.remove("code_challenge_method");
        Map<String, String> error = redirectedError(params);
        assertThat(error).containsEntry("error", "invalid_request").containsEntry("state", params.get("state"))
                .containsEntry("iss", issuer.idpIssuer().toString());
        assertThat(error.get("error_description")).contains("PKCE");
    }

    @Test
    void plainPkceIsRejected() {
        Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
        params.put("code_challenge_method", "plain");
        assertThat(redirectedError(params)).containsEntry("error", "invalid_request")
                .containsEntry("error_description", "code_challenge_method must be S256");
        params.remove("code_challenge_method"); // defaults to plain (RFC 7636 §4.3)
        assertThat(redirectedError(params)).containsEntry("error", "invalid_request");
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource({
            "code_challenge, short, invalid_request", // malformed: not 43 base64url characters
            "response_type, token, unsupported_response_type", // code flow only
            "scope, email, invalid_scope"}) // no openid
    void aBrokenParameterIsRedirectedBackWithItsError(String parameter, String value, String error) {
        Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
        params.put(parameter, value);
        assertThat(redirectedError(params)).containsEntry("error", error);
    }

    @Test
    void unregisteredRedirectUriGetsAnHtmlErrorAndNoRedirect() {
        for (String bad : new String[] {"http://127.0.0.1:53121/evil", "http://evil.example/callback",
                "https://127.0.0.1/callback", "http://127.0.0.2/callback"}) {
            Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
            params.put("redirect_uri", bad);
            HttpResponse<String> r = client.authorize(params);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).as(bad).isEmpty();
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        }
        Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
        params.put("client_id", "nobody");
        assertThat(client.authorize(params).statusCode()).isEqualTo(400);
    }

    @Test
    void htmlErrorPageEscapesTheRedirectUri() {
        Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
        params.put("redirect_uri", "http://x/<script>alert(1)</script>");
        HttpResponse<String> r = client.authorize(params);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void loopbackRedirectAcceptsAnyPortForIpAndLocalhost() {
        for (String redirect : new String[] {"http://127.0.0.1:40001/callback", "http://127.0.0.1/callback",
                "http://localhost:40002/callback"}) {
            Pkce pkce = Pkce.s256();
            Map<String, String> params = IdpTestClient.authorizeParams(pkce);
            params.put("redirect_uri", redirect);
            Map<String, String> callback = client.signIn(params, "alice", "alice");
            HttpResponse<String> r = client.redeemCode(callback.get("code"), redirect, pkce.verifier(), demoBasic());
            assertThat(r.statusCode()).as(redirect).isEqualTo(200);
        }
    }

    @Test
    void wrongPasswordShowsTheFormAgainWithAPlainError() {
        HttpResponse<String> page = client.authorize(IdpTestClient.authorizeParams(Pkce.s256()));
        LoginForm form = LoginForm.parse(page.body());
        HttpResponse<String> again = client.submitLogin(form, "alice", "wrong");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Location")).isEmpty();
        assertThat(again.body()).contains("The user name or password is incorrect");
        LoginForm retry = LoginForm.parse(again.body());
        assertThat(retry.inputs()).containsEntry("username", "alice").containsEntry("password", "");
        HttpResponse<String> ok = client.submitLogin(retry, "alice", "alice");
        assertThat(ok.statusCode()).isEqualTo(302);
        // the completed form cannot be submitted a second time
        assertThat(client.submitLogin(retry, "alice", "alice").statusCode()).isEqualTo(400);
    }

    /**
     * The code must be redeemed with the PKCE verifier of its challenge (RFC 7636 §4.6) and the very
     * {@code redirect_uri} sent to /authorize (RFC 6749 §4.1.3); otherwise {@code invalid_grant}.
     */
    @ParameterizedTest(name = "{1} verifier, redirect_uri {0} -> {2}")
    @CsvSource({
        IdpTestClient.REDIRECT + ", wrong, code_verifier does not match the code_challenge",
        IdpTestClient.REDIRECT + ", missing, code_verifier is missing (PKCE is required)",
        "http://127.0.0.1:53122/callback, right, redirect_uri differs from the one sent to /authorize"})
    void aCodeRedeemedWithoutItsVerifierOrItsRedirectUriIsInvalidGrant(String redirectUri, String verifier,
                                                                      String description) {
        Pkce pkce = Pkce.s256();
        Map<String, String> callback = client.signIn(IdpTestClient.authorizeParams(pkce), "alice", "alice");
        HttpResponse<String> r = client.redeemCode(callback.get("code"), redirectUri, switch (verifier) {
            case "right" -> pkce.verifier();
            case "wrong" -> Pkce.s256().verifier();
            default -> null;
        }, demoBasic());
        assertInvalidGrant(r, description);
    }

    @Test
    void reusedCodeIsInvalidGrantAndRevokesTheRefreshTokenIssuedFromIt() {
        Pkce pkce = Pkce.s256();
        Map<String, String> callback = client.signIn(IdpTestClient.authorizeParams(pkce), "alice", "alice");
        HttpResponse<String> first = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                demoBasic());
        assertThat(first.statusCode()).isEqualTo(200);
        String refreshToken = (String) IdpTestClient.json(first).get("refresh_token");

        HttpResponse<String> second = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                demoBasic());
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(second)).containsEntry("error", "invalid_grant");

        HttpResponse<String> refresh = client.refresh(refreshToken, demoBasic());
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(refresh)).containsEntry("error", "invalid_grant");
    }

    @Test
    void unknownCodeIsInvalidGrant() {
        HttpResponse<String> r = client.redeemCode("made-up-code", IdpTestClient.REDIRECT, Pkce.s256().verifier(),
                demoBasic());
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_grant");
    }

    @Test
    void codeRedemptionWithoutClientAuthenticationIsInvalidClient() {
        Pkce pkce = Pkce.s256();
        Map<String, String> callback = client.signIn(IdpTestClient.authorizeParams(pkce), "alice", "alice");
        HttpResponse<String> r = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                (b, f) -> f.put("client_id", CLIENT_ID));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_client");
        HttpResponse<String> wrongSecret = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT,
                pkce.verifier(), IdpTestClient.basic(CLIENT_ID, "wrong"));
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
    }

    @Test
    void unknownGrantTypeIsUnsupported() {
        HttpResponse<String> r = client.postForm(client.tokenEndpoint(), Map.of("grant_type", "password",
                "username", "alice", "password", "alice"), demoBasic());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "unsupported_grant_type");
        HttpResponse<String> made = client.postForm(client.tokenEndpoint(), Map.of("grant_type", "urn:x:made-up"),
                demoBasic());
        assertThat(IdpTestClient.json(made)).containsEntry("error", "unsupported_grant_type");
    }

    private Map<String, String> redirectedError(Map<String, String> params) {
        HttpResponse<String> r = client.authorize(params);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(URI.create(location).getPath()).isEqualTo("/callback");
        return IdpTestClient.query(location);
    }

    /** {@code r} is an RFC 6749 §5.2 {@code invalid_grant} (HTTP 400) with {@code description}. */
    private static void assertInvalidGrant(HttpResponse<String> r, String description) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_grant")
                .containsEntry("error_description", description);
    }
}
