package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.idp.IdpTestClient.Pkce;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample IdP's dev-only auto-approve mode (issue 10 item 7): {@code GET /authorize} answers with the 302
 * back to the client, code included, for the configured user, no login form; the admin API switches the user.
 * Off by default: {@link IdpAdminTest#devAutoApproveIsOffByDefaultAndCannotBeSwitchedOnAtRunTime}.
 */
@Timeout(120)
class IdpDevAutoApproveTest {

    @TempDir
    Path state;

    @Test
    void authorizeRedirectsWithACodeForTheConfiguredUserAndTheAdminSwitchesTheUser() throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0).withDevAutoApprove("alice"))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            assertThat(subjectOfAnAutoApprovedSignIn(client)).isEqualTo("alice");

            HttpResponse<String> unknown = client.admin("POST", "/admin/dev-auto-approve", "{\"user\":\"mallory\"}",
                    issuer.adminToken());
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat((String) IdpTestClient.json(unknown).get("error_description")).contains("'mallory'", "alice");
            assertThat(client.admin("POST", "/admin/dev-auto-approve", "{\"user\":\"bob\"}", null).statusCode())
                    .as("the switch is behind the admin token").isEqualTo(401);
            HttpResponse<String> bob = client.admin("POST", "/admin/dev-auto-approve", "{\"user\":\"bob\"}",
                    issuer.adminToken());
            assertThat(bob.statusCode()).isEqualTo(200);
            assertThat(IdpTestClient.json(bob)).containsEntry("user", "bob");
            assertThat(subjectOfAnAutoApprovedSignIn(client)).isEqualTo("bob");

            assertThat(Files.readString(issuer.auditFile())).as("each sign-in is audited as auto-approved")
                    .containsPattern("\"event\":\"sign-in\".*\"user\":\"alice\".*dev-only auto-approve mode")
                    .containsPattern("\"event\":\"sign-in\".*\"user\":\"bob\".*dev-only auto-approve mode");
        }
    }

    @Test
    void aBadRequestIsStillRefusedBeforeAnythingIsApproved() throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0).withDevAutoApprove("alice"))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            Map<String, String> params = IdpTestClient.authorizeParams(Pkce.s256());
            params.remove("code_challenge");
            HttpResponse<String> r = client.authorize(params);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(IdpTestClient.query(r.headers().firstValue("Location").orElseThrow()))
                    .containsEntry("error", "invalid_request").doesNotContainKey("code");
        }
    }

    @Test
    void anUnknownUserStopsTheStartWithTheKnownOnes() {
        assertThatThrownBy(() -> SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0).withDevAutoApprove("mallory")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown user 'mallory'").hasMessageContaining("alice");
    }

    /** GET /authorize: a 302 to the redirect URI with code, state and iss, no form; the code's ID token's subject. */
    private static String subjectOfAnAutoApprovedSignIn(IdpTestClient client) throws Exception {
        Pkce pkce = Pkce.s256();
        Map<String, String> params = IdpTestClient.authorizeParams(pkce);
        HttpResponse<String> r = client.authorize(params);
        assertThat(r.statusCode()).as("no login form: %s", r.body()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(IdpTestClient.REDIRECT + "?");
        Map<String, String> callback = IdpTestClient.query(location);
        assertThat(callback).containsEntry("state", params.get("state"))
                .containsEntry("iss", client.issuer().toString()).containsKey("code");
        HttpResponse<String> tokens = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                demoBasic());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return SignedJWT.parse((String) IdpTestClient.json(tokens).get("id_token")).getJWTClaimsSet().getSubject();
    }
}
