package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.UnknownServerException;
import dev.xaa4j.sample.SampleIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's broker hosting, without a window: served, reported, rebuilt, and polite to a running agent. */
class BrokerHostTest extends DesktopIssuerPerClass {

    @TempDir
    Path dir;

    Path socket() throws Exception {
        Path run = dir.resolve("run");
        if (!Files.isDirectory(run)) {
            Files.createDirectories(run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return run.resolve("broker.sock");
    }

    @Test
    void servesTheConnectorReportsSignInNeededAndAppliesServerChangesWithoutDroppingBridgesOrTokens() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets"));
        List<String> needed = new CopyOnWriteArrayList<>();
        List<String> status = new CopyOnWriteArrayList<>();
        try (TraySession engine = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", null));
             BrokerHost host = BrokerHost.attach(engine, socket(), n -> needed.add(n.server()), status::add)) {
            engine.reload();
            assertThat(host.serving()).isTrue();
            assertThat(status).containsExactly("");

            try (BrokerClient bridge = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                assertThat(bridge.sessionStorage()).as("a memory-session app tells its clients the session is only there")
                        .isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.MEMORY);
                assertThatThrownBy(() -> bridge.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
                bridge.signInNeeded("notes");
                await("the app is told a sign-in is needed").atMost(Duration.ofSeconds(10)).until(() -> !needed.isEmpty());
                assertThat(needed).containsExactly("notes");
            }

            engine.connector().orElseThrow().signIn().get(90, TimeUnit.SECONDS);
            try (BrokerClient bridge = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                assertThat(bridge.token("tickets").scopes()).contains("tickets.read");
                String notes = bridge.token("notes").value();
                long renewals = bridge.status().metrics().renewals();

                // Removed and added back while the bridge stays connected: the running connector follows, notes keeps
                // its token (no second exchange), the broker keeps its connections.
                engine.removeServer("tickets");
                assertThat(host.serving()).isTrue();
                assertThat(bridge.isOpen()).as("the bridge's connection survives the change").isTrue();
                assertThatThrownBy(() -> bridge.token("tickets")).isInstanceOf(UnknownServerException.class);
                assertThat(bridge.token("notes").value()).as("notes' cached token is kept").isEqualTo(notes);
                assertThat(bridge.status().metrics().renewals()).isEqualTo(renewals);

                DesktopFixture.writeConfig(dir, issuer, List.of("notes", "tickets"));
                engine.reload();
                assertThat(bridge.token("tickets").scopes()).contains("tickets.read");
                assertThat(bridge.token("notes").value()).isEqualTo(notes);
                assertThat(bridge.status().metrics().renewals()).as("one exchange, for tickets only").isEqualTo(renewals + 1);
                assertThat(bridge.isOpen()).isTrue();
            }
        }
        assertThat(Files.exists(socket())).as("the socket is removed on close").isFalse();
    }

    @Test
    void stepsAsideWhenAnAgentAlreadyServesTheSocket() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        List<String> status = new CopyOnWriteArrayList<>();
        try (TraySession agentEngine = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", null));
             BrokerHost agent = BrokerHost.attach(agentEngine, socket(), n -> { }, s -> { });
             TraySession appEngine = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", null));
             BrokerHost app = BrokerHost.attach(appEngine, socket(), n -> { }, status::add)) {
            agentEngine.reload();
            appEngine.reload();
            assertThat(agent.serving()).isTrue();
            assertThat(app.serving()).isFalse();
            await("told once the agent keeps the socket").atMost(Duration.ofSeconds(20)).until(() -> !status.isEmpty());
            assertThat(status).singleElement().asString().startsWith("Another xaa4j agent already serves your AI tools");
        }
    }

    @Test
    void takesTheSocketOverFromAnAgentACommandStartedOnDemand() throws Exception {
        Path config = DesktopFixture.writeConfig(dir, issuer, List.of("notes"));
        List<String> status = new CopyOnWriteArrayList<>();
        List<String> agentStopped = new CopyOnWriteArrayList<>();
        try (TraySession agentEngine = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", null));
             dev.xaa4j.connector.host.broker.IdleWatch watch = new dev.xaa4j.connector.host.broker.IdleWatch(
                     Duration.ofMinutes(10), why -> {
                         agentStopped.add(why);
                         agentEngine.host().stopServing();
                     })) {
            agentEngine.host().serve(new dev.xaa4j.connector.host.SessionHost.Broker(socket(),
                    dev.xaa4j.connector.host.config.SessionStorage.KEYRING, n -> { },
                    new dev.xaa4j.connector.host.broker.AgentLifetime(true, java.util.Optional.of(Duration.ofMinutes(10))),
                    java.util.Optional.of(watch)));
            agentEngine.reload();
            assertThat(agentEngine.host().serving()).isTrue();
            try (TraySession appEngine = new TraySession(dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of()), DesktopFixture.engine(dir, "alice", null));
                 BrokerHost app = BrokerHost.attach(appEngine, socket(), n -> { }, status::add)) {
                appEngine.reload();
                await("the app serves in the agent's place").atMost(Duration.ofSeconds(20)).until(app::serving);
                assertThat(agentStopped).containsExactly("another session owner takes over");
                assertThat(agentEngine.host().serving()).isFalse();
                assertThat(status).as("no 'already serves' on the way: the take-over succeeded").containsOnly("");
                try (BrokerClient bridge = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                    assertThat(bridge.status().lifetime().onDemand()).as("the app's broker").isFalse();
                }
            }
        }
    }
}
