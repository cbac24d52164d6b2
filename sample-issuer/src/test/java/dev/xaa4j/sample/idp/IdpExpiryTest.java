package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short-lived IdP artifacts really expire: subject ID tokens (docs/protocol.md §3.2 step 3) and codes. */
class IdpExpiryTest {

    @Test
    void expiredIdTokenIsInvalidRequest(@TempDir Path state) throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0)
                .withLifetimes(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(5),
                        Duration.ofMinutes(5)))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            String idToken = client.idToken("alice");
            // an exchange changes nothing at the IdP: ask until the 1 s ID token is refused (exp has whole seconds)
            HttpResponse<String> r = await("the ID token expires").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> client.exchange(idToken, issuer.asIssuer().toString(), issuer.server("notes").toString(),
                            "notes.read", demoBasic()), response -> response.statusCode() != 200);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_request")
                    .containsEntry("error_description", "subject_token has expired; refresh the ID token and retry");
        }
    }

    @Test
    void expiredAuthorizationCodeIsInvalidGrant(@TempDir Path state) throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0)
                .withAuthorizationCodeTtl(Duration.ofSeconds(1)))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            IdpTestClient.Pkce pkce = IdpTestClient.Pkce.s256();
            java.util.Map<String, String> callback = client.signIn(IdpTestClient.authorizeParams(pkce), "alice", "alice");
            // real time passes: a redemption spends the code, so it cannot be polled, and SampleIssuer.start takes no clock
            Thread.sleep(1_100);
            HttpResponse<String> r = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                    demoBasic());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_grant")
                    .containsEntry("error_description", "authorization code expired");
        }
    }
}
