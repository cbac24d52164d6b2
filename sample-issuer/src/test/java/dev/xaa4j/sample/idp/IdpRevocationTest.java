package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 7009 token revocation at the sample IdP (issue 8 item 1): what {@code xaa logout} ends the session with. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdpRevocationTest extends IdpPerClass {

    @Test
    void discoveryAdvertisesTheRevocationEndpoint() {
        Map<String, Object> meta = IdpTestClient.json(client.get(URI.create(issuer.idpIssuer() + "/.well-known/openid-configuration")));
        assertThat(meta).containsEntry("revocation_endpoint", issuer.idpIssuer() + "/revoke");
        assertThat(meta.get("revocation_endpoint_auth_methods_supported")).asList()
                .contains("client_secret_basic", "client_secret_post", "private_key_jwt");
    }

    @Test
    void aRevokedRefreshTokenIsRefusedAfterwardsAndSoIsEveryRotatedDescendant() {
        Map<String, Object> login = client.login("alice");
        String original = (String) login.get("refresh_token");
        String rotated = (String) IdpTestClient.json(client.refresh(original, demoBasic())).get("refresh_token");

        HttpResponse<String> revoked = client.revoke(rotated, "refresh_token", demoBasic());
        assertThat(revoked.statusCode()).isEqualTo(200);

        HttpResponse<String> refresh = client.refresh(rotated, demoBasic());
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(IdpTestClient.json(refresh)).containsEntry("error", "invalid_grant")
                .containsEntry("error_description", "refresh token was revoked; sign in again");

        // another sign-in (another family) is unaffected
        String other = (String) client.login("alice").get("refresh_token");
        assertThat(client.refresh(other, demoBasic()).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownTokenAnswers200AsRfc7009Section22Requires() {
        assertThat(client.revoke("not-a-token-this-idp-issued", null, demoBasic()).statusCode()).isEqualTo(200);
    }

    @Test
    void revocationNeedsTheSameClientAuthenticationAsTheTokenEndpoint() {
        String refreshToken = (String) client.login("alice").get("refresh_token");

        HttpResponse<String> anonymous = client.revoke(refreshToken, "refresh_token",
                (request, form) -> form.put("client_id", IdpTestClient.CLIENT_ID)); // a public client's request
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(IdpTestClient.json(anonymous)).containsEntry("error", "invalid_client");
        HttpResponse<String> wrongSecret = client.revoke(refreshToken, "refresh_token",
                IdpTestClient.basic(IdpTestClient.CLIENT_ID, "wrong"));
        assertThat(wrongSecret.statusCode()).isEqualTo(401);

        // refused revocations left the session alive
        assertThat(client.refresh(refreshToken, demoBasic()).statusCode()).isEqualTo(200);
    }

    @Test
    void revocationsAreAuditedWithoutTokenBytes() throws Exception {
        String refreshToken = (String) client.login("bob").get("refresh_token");
        assertThat(client.revoke(refreshToken, "refresh_token", demoBasic()).statusCode()).isEqualTo(200);

        String audit = Files.readString(issuerState.resolve("audit.jsonl"));
        assertThat(audit).contains("\"event\":\"revocation\",\"user\":\"bob\",\"client\":\"xaa-desktop\"")
                .contains("\"decision\":\"allow\",\"reason\":\"refresh-token family revoked\"")
                .doesNotContain(refreshToken);
    }
}
