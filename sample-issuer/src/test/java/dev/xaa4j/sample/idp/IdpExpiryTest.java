package dev.xaa4j.sample.idp;

import static dev.xaa4j.sample.idp.IdpTestClient.demoBasic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short-lived IdP artifacts really expire: subject ID tokens (docs/protocol.md §3.2 step 3), codes and refresh
 * tokens. The issuer runs on a {@link MutableClock} the tests move past each lifetime.
 */
class IdpExpiryTest {

    final MutableClock clock = new MutableClock(Instant.now());
    @TempDir
    Path state;

    private SampleIssuer issuer(UnaryOperator<IssuerSettings> lifetimes) throws Exception {
        return SampleIssuers.start(state, lifetimes, clock);
    }

    @Test
    void expiredIdTokenIsInvalidRequest() throws Exception {
        try (SampleIssuer issuer = issuer(s -> s.withLifetimes(Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMinutes(5), Duration.ofMinutes(5)))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            String idToken = client.idToken("alice");
            clock.advance(Duration.ofSeconds(2)); // past the 1 s ID token (exp has whole seconds)
            HttpResponse<String> r = client.exchange(idToken, issuer.asIssuer().toString(), issuer.server("notes").toString(),
                    "notes.read", demoBasic());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_request")
                    .containsEntry("error_description", "subject_token has expired; refresh the ID token and retry");
        }
    }

    @Test
    void expiredAuthorizationCodeIsInvalidGrant() throws Exception {
        try (SampleIssuer issuer = issuer(s -> s.withAuthorizationCodeTtl(Duration.ofSeconds(1)))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            IdpTestClient.Pkce pkce = IdpTestClient.Pkce.s256();
            java.util.Map<String, String> callback = client.signIn(IdpTestClient.authorizeParams(pkce), "alice", "alice");
            clock.advance(Duration.ofSeconds(1)); // the code's whole lifetime
            HttpResponse<String> r = client.redeemCode(callback.get("code"), IdpTestClient.REDIRECT, pkce.verifier(),
                    demoBasic());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_grant")
                    .containsEntry("error_description", "authorization code expired");
        }
    }

    @Test
    void expiredRefreshTokenIsInvalidGrant() throws Exception {
        try (SampleIssuer issuer = issuer(s -> s.withLifetimes(Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMinutes(5)))) {
            IdpTestClient client = new IdpTestClient(issuer.idpIssuer());
            String rt = (String) client.login("alice").get("refresh_token");
            clock.advance(Duration.ofSeconds(1)); // the refresh token's whole lifetime
            HttpResponse<String> r = client.refresh(rt, demoBasic());
            assertThat(IdpTestClient.json(r)).containsEntry("error", "invalid_grant")
                    .containsEntry("error_description", "refresh token expired; sign in again");
        }
    }
}
