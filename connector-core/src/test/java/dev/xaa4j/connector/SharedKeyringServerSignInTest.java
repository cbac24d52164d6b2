package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.testing.TestBrowser;
import dev.xaa4j.sample.SampleIssuerPerClass;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 (gaps, item 2): two connectors without an IdP sharing one OS keyring (run inside {@code .ci/with-keyring}),
 * as a bridge's embedded connector and {@code xaa login wiki} in another process are. The first answers
 * SERVER_SIGN_IN_REQUIRED for the sample issuer's plain-OAuth {@code wiki}; the second signs in (its browser); the
 * first, which never opens one, finds the stored grant at its next rate-limited look and serves a token — no IdP
 * session epoch moves.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedKeyringServerSignInTest extends SampleIssuerPerClass {

    private final String service = "xaa4j-test-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private final KeyringCredentialStore keyring = new KeyringCredentialStore(service);

    @AfterEach
    void forget() {
        ServerGrantStore rows = new ServerGrantStore(keyring);
        rows.deleteGrant("wiki");
        rows.deleteRegistration(issuer.oauthIssuer().toString());
    }

    private Connector connector(String dir, dev.xaa4j.connector.internal.signin.BrowserLauncher browser) {
        Connector.Builder b = Connector.builder() // no idp(...): plain MCP authorization only
                .server(ServerConfig.of("wiki", issuer.oauthServers().get("wiki"), "", ClientAuthMethod.NONE))
                .stateDir(tmp.resolve(dir)).journal(false);
        ConnectorInternals.credentialStore(b, new KeyringCredentialStore(service));
        ConnectorInternals.browserLauncher(b, browser);
        return b.build();
    }

    @Test
    void aGrantStoredByAnotherConnectorReachesOneThatHeldServerSignInRequired() throws Exception {
        AtomicInteger bridgeBrowsers = new AtomicInteger();
        try (Connector bridge = connector("bridge", uri -> bridgeBrowsers.incrementAndGet());
             Connector login = connector("login", uri -> {
                 try {
                     TestBrowser.signIn(uri, "alice", "alice");
                 } catch (IOException e) {
                     throw e;
                 } catch (Exception e) {
                     throw new IOException(e.toString(), e);
                 }
             })) {
            assertThatThrownBy(() -> bridge.token("wiki")).isInstanceOf(ConnectorException.class)
                    .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
            assertThatThrownBy(() -> bridge.token("wiki")).as("held, looked once")
                    .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);

            ServerStatus signedIn = login.signIn("wiki").get(60, TimeUnit.SECONDS);
            assertThat(signedIn.expiresAt()).isPresent();
            assertThat(new ServerGrantStore(keyring).grant("wiki")).isPresent();

            AccessToken t = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .ignoreException(ConnectorException.class).until(() -> bridge.token("wiki"), token -> token != null);
            assertThat(t.value()).isNotBlank();
            assertThat(bridge.status().servers().get("wiki").state()).isEqualTo(ServerState.READY);
            assertThat(bridgeBrowsers).as("the bridge's connector never opened a browser").hasValue(0);
        }
    }
}
