package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 2c: a connector that found no session (a bridge without an agent answering "run `xaa login`")
 * notices a sign-in by another process within seconds, and a sign-out too. Two connectors sharing one
 * credential store and one state directory stand for two processes (the bridge's engine and {@code xaa login}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionWatchTest extends SampleIssuerConnectors {

    @Test
    void aSignInByAnotherProcessClearsSignInRequiredWithinSeconds() throws Exception {
        MemoryCredentialStore keyring = new MemoryCredentialStore();
        List<ConnectorEvent> bridgeEvents = new CopyOnWriteArrayList<>();
        Connector.Builder bridgeBuilder = issuerConnector(keyring).listener(bridgeEvents::add);
        Connector.Builder loginBuilder = SampleIssuerFixture.withTestBrowser(issuerConnector(keyring), tmp, "alice");
        try (Connector bridge = bridgeBuilder.build()) {
            assertThatThrownBy(() -> bridge.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);

            try (Connector login = loginBuilder.build()) {
                login.signIn().get(90, TimeUnit.SECONDS);
            }

            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> !bridge.token("notes").value().isBlank());
            assertThat(bridgeEvents).anyMatch(e -> e instanceof ConnectorEvent.SignedIn s && s.user().equals("alice"));
            assertThat(bridge.status().servers().get("notes").state()).isEqualTo(ServerState.READY);

            try (Connector logout = loginBuilder.build()) {
                logout.signOut();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> bridgeEvents.stream()
                    .anyMatch(e -> e instanceof ConnectorEvent.SignedOut));
            assertThatThrownBy(() -> bridge.token("notes")).as("tokens of the ended session are dropped")
                    .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
        }
    }
}
