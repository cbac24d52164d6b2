package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.CLIENT_ID;
import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refresh token rotation and reuse detection at the sample IdP (issue 2 item 5, RFC 9700 §4.14.2). */
class IdpRefreshTokenTest extends IdpPerClass {

    @Test
    void refreshRotatesAndReturnsAnIdTokenForTheSameSubjectWithoutNonce() throws Exception {
        Map<String, Object> login = client.login("alice");
        JWTClaimsSet first = SignedJWT.parse((String) login.get("id_token")).getJWTClaimsSet();

        HttpResponse<String> r = client.refresh((String) login.get("refresh_token"), demoBasic());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> refreshed = IdpTestClient.json(r);
        assertThat(refreshed.get("refresh_token")).isNotNull().isNotEqualTo(login.get("refresh_token"));
        assertThat(refreshed).containsEntry("token_type", "Bearer").containsKey("access_token");

        JWTClaimsSet second = SignedJWT.parse((String) refreshed.get("id_token")).getJWTClaimsSet();
        assertThat(second.getSubject()).isEqualTo("alice");
        assertThat(second.getIssuer()).isEqualTo(first.getIssuer());
        assertThat(second.getAudience()).containsExactly(CLIENT_ID);
        assertThat(second.getStringClaim("azp")).isEqualTo(CLIENT_ID);
        assertThat(second.getLongClaim("auth_time")).isEqualTo(first.getLongClaim("auth_time"));
        assertThat(first.getStringClaim("nonce")).isNotNull();
        assertThat(second.getClaims()).doesNotContainKey("nonce");

        // the successor works in turn
        assertThat(client.refresh((String) refreshed.get("refresh_token"), demoBasic()).statusCode()).isEqualTo(200);
    }

    @Test
    void replayOfARotatedTokenIsInvalidGrantAndKillsTheWholeFamily() {
        Map<String, Object> login = client.login("alice");
        String original = (String) login.get("refresh_token");
        String second = (String) IdpTestClient.json(client.refresh(original, demoBasic())).get("refresh_token");
        String third = (String) IdpTestClient.json(client.refresh(second, demoBasic())).get("refresh_token");

        HttpResponse<String> replay = client.refresh(original, demoBasic());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(replay)).containsEntry("error", "invalid_grant")
                .containsEntry("error_description", "refresh token reuse detected; session revoked, sign in again");

        HttpResponse<String> newest = client.refresh(third, demoBasic());
        assertThat(newest.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(newest)).containsEntry("error", "invalid_grant");

        // another sign-in (another family) is unaffected
        Map<String, Object> other = client.login("alice");
        assertThat(client.refresh((String) other.get("refresh_token"), demoBasic()).statusCode()).isEqualTo(200);
    }

    @Test
    void refreshTokenIsBoundToItsClientAndNeedsClientAuthentication() {
        String refreshToken = (String) client.login("bob").get("refresh_token");
        HttpResponse<String> anonymous = client.refresh(refreshToken, IdpTestClient.none());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(anonymous)).containsEntry("error", "invalid_client");
        // the failed attempt did not consume the token
        assertThat(client.refresh(refreshToken, IdpTestClient.post(CLIENT_ID, IdpTestClient.CLIENT_SECRET))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void unknownRefreshTokenIsInvalidGrant() {
        assertThat(IdpTestClient.json(client.refresh("not-a-token", demoBasic()))).containsEntry("error", "invalid_grant");
    }

    @Test
    void scopeMayNarrowButNotWiden() {
        Map<String, Object> login = client.login("alice");
        String rt = (String) login.get("refresh_token");
        HttpResponse<String> wider = client.postForm(client.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "refresh_token", rt, "scope", "openid admin"), demoBasic());
        assertThat(IdpTestClient.json(wider)).containsEntry("error", "invalid_scope");
        HttpResponse<String> narrower = client.postForm(client.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "refresh_token", rt, "scope", "openid"), demoBasic());
        assertThat(narrower.statusCode()).isEqualTo(200);
        assertThat(IdpTestClient.json(narrower)).containsEntry("scope", "openid");
    }
}
