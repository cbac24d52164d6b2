package dev.xaa4j.connector.internal.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.SampleIssuerConnectors;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.connector.testing.SignInMain;
import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real sign-in at the sample IdP over HTTP: a scripted browser ({@link dev.xaa4j.connector.testing.TestBrowser})
 * is launched as a command with the authorization URL, fills in the login form and follows the redirect to
 * the loopback callback.
 */
class SampleIssuerSignInTest extends SampleIssuerConnectors {

    static final String CLIENT_ID = "xaa-desktop";
    static final String CLIENT_SECRET = "xaa-desktop-demo-secret";

    @Test
    void signsInThroughTheLoginFormWithPkceAndGetsAValidatedIdTokenAndARefreshToken() throws Exception {
        OIDCProviderMetadata idp = new Discovery().idp(issuer.idpIssuer());
        Path log = tmp.resolve("browser.log");
        Path browser = TestBrowserScript.write(tmp, "alice", "alice", log);

        SignInResult r = new BrowserSignIn().start(idp, CLIENT_ID,
                        new ClientSecretBasic(new ClientID(CLIENT_ID), new Secret(CLIENT_SECRET)),
                        new SignInOptions(List.of("email", "profile"), Duration.ofSeconds(60), "127.0.0.1", browser.toString()))
                .get(90, TimeUnit.SECONDS);

        assertThat(r.idTokenClaims().getSubject()).isNotBlank();
        assertThat(r.idTokenClaims().getIssuer()).isEqualTo(issuer.idpIssuer().toString());
        assertThat(r.idTokenClaims().getAudience()).contains(CLIENT_ID);
        assertThat(r.idTokenClaims().getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(r.refreshToken()).as("offline_access is advertised, so it is asked for").isPresent();
        awaitLine(log, "200 You are signed in");
        // the ID token verifies again with a fresh verifier (no nonce, as after a refresh)
        assertThat(new IdTokenVerifier(idp, CLIENT_ID, java.time.Clock.systemUTC(), Duration.ofSeconds(60))
                .verify(r.idToken(), null).getSubject()).isEqualTo(r.idTokenClaims().getSubject());
    }

    @Tag("slow")
    @Test
    void theBrowserEnvironmentVariableIsUsedAndTheSessionLandsInTheOsKeyring() throws Exception {
        Path log = tmp.resolve("browser.log");
        Path browser = TestBrowserScript.write(tmp, "alice", "alice", log);
        String service = "xaa4j-test-e2e-" + System.nanoTime();
        Path locks = tmp.resolve("locks");
        SessionStore sessions = new SessionStore(new KeyringCredentialStore(service), locks);
        try {
            ChildJvm.Result child = ChildJvm.run(List.of(), Map.of("BROWSER", browser.toString()), SignInMain.class,
                    issuer.idpIssuer().toString(), CLIENT_ID, CLIENT_SECRET, service, locks.toString());

            assertThat(child.exitCode()).as(child.output()).isZero();
            assertThat(child.output()).contains("SIGNED-IN ");
            assertThat(child.output()).as("no token bytes on the console").doesNotContain("eyJ");
            awaitLine(log, "200 You are signed in");

            IdpSession s = sessions.load(issuer.idpIssuer().toString(), CLIENT_ID).orElseThrow();
            assertThat(child.output()).contains("SIGNED-IN " + s.subject());
            assertThat(s.refreshToken()).isPresent();
            assertThat(s.idTokenExpiresAt()).isAfter(Instant.now());
            assertThat(s.idToken()).startsWith("eyJ");
        } finally {
            sessions.delete(issuer.idpIssuer().toString(), CLIENT_ID);
        }
    }

    private static void awaitLine(Path log, String expected) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Files.exists(log) ? Files.readString(log) : "(no browser log)").contains(expected));
    }
}
