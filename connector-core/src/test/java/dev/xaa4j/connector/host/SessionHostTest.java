package dev.xaa4j.connector.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.connector.host.broker.BrokerAlreadyRunningException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.UnknownServerException;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.host.broker.AgentLifetime;
import dev.xaa4j.connector.host.broker.IdleWatch;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session owner host ({@code xaa agent}, the tray) against the sample issuer: a bridge connected through its
 * broker keeps working while another server is added and removed in the config file, the other server's token is
 * the same (no second exchange), and only another IdP builds a new connector.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionHostTest extends SampleIssuerPerClass {

    private final MemoryCredentialStore memory = new MemoryCredentialStore();

    private Path socket() {
        return tmp.resolve("run").resolve("broker.sock");
    }

    private ConfigStore config(String... servers) {
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(tmp.resolve("config.json"), Map.of());
        store.putIdp(new IdpSettings(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT, "client_secret_basic"));
        for (String s : servers) {
            store.putServer(s, entry(s));
        }
        return store;
    }

    private ServerEntry entry(String server) {
        return new ServerEntry(issuer.server(server).toString(), null, List.of(), SampleIssuerFixture.AS_CLIENT);
    }

    private SessionHost host(ConfigStore store) throws Exception {
        return host(store, new SessionHost.Broker(socket(), SessionStorage.MEMORY, n -> { }));
    }

    private SessionHost host(ConfigStore store, SessionHost.Broker broker) throws Exception {
        Path browser = tmp.resolve("browser");
        java.nio.file.Files.createDirectories(browser);
        UnaryOperator<Connector.Builder> settings = b -> {
            try {
                return SampleIssuerFixture.withTestBrowser(ConnectorInternals.credentialStore(b, memory).clientCredentials(SampleIssuerFixture.secrets())
                        .stateDir(tmp.resolve("state")).journal(false), browser, "alice");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        SessionHost host = new SessionHost(store, settings, false);
        host.serve(broker);
        return host;
    }

    @Test
    void aHostStartedByAPersonTakesTheSocketOverFromAnAgentStartedOnDemandOnly() throws Exception {
        ConfigStore store = config("notes");
        SessionHost[] onDemand = new SessionHost[1];
        IdleWatch watch = new IdleWatch(Duration.ofMinutes(10), why -> onDemand[0].close());
        onDemand[0] = host(store, new SessionHost.Broker(socket(), SessionStorage.KEYRING, n -> { },
                new AgentLifetime(true, Optional.of(Duration.ofMinutes(10))), Optional.of(watch)));
        try (SessionHost agent = onDemand[0]; SessionHost tray = host(store)) {
            agent.reload();
            try (BrokerClient c = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                assertThat(c.status().lifetime().describe()).isEqualTo(", started on demand, exits after 10 min idle");
            }
            tray.reload();
            assertThat(tray.serving()).isFalse();
            assertThat(tray.brokerProblem()).containsInstanceOf(BrokerAlreadyRunningException.class);
            assertThat(tray.takeOver()).isTrue();
            assertThat(tray.serving()).isTrue();
            assertThat(agent.serving()).as("the agent stood down").isFalse();
            try (BrokerClient c = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                assertThat(c.status().lifetime()).isEqualTo(AgentLifetime.UNTIL_STOPPED);
                assertThat(c.standDown()).as("the tray keeps serving").isFalse();
            }
        }
        try (SessionHost byHand = host(store); SessionHost tray = host(store)) {
            byHand.reload();
            tray.reload();
            assertThat(tray.takeOver()).as("an agent a person started keeps the socket").isFalse();
            assertThat(byHand.serving()).isTrue();
        }
    }

    @Test
    void anAgentAlreadyStoppingWhenIdleAgreesToStandDownSoTheTrayTakesOver() throws Exception {
        ConfigStore store = config("notes");
        java.util.concurrent.CountDownLatch idle = new java.util.concurrent.CountDownLatch(1);
        IdleWatch watch = new IdleWatch(Duration.ofMillis(1), why -> idle.countDown()); // stopping, not yet closed
        try (SessionHost agent = host(store, new SessionHost.Broker(socket(), SessionStorage.KEYRING, n -> { },
                new AgentLifetime(true, Optional.of(Duration.ofMillis(1))), Optional.of(watch)))) {
            agent.reload();
            assertThat(idle.await(30, TimeUnit.SECONDS)).as("the idle watch fired").isTrue();
            try (BrokerClient c = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                assertThat(c.standDown()).as("it is going anyway: the tray should wait for it, not give up").isTrue();
            }
            agent.close(); // what its idle exit does
            try (SessionHost tray = host(store)) {
                tray.reload();
                assertThat(tray.takeOver() || tray.serving()).isTrue();
            }
        }
    }

    @Test
    void aBridgeKeepsItsConnectionAndTheOtherServersTokenWhileAServerIsAddedAndRemoved() throws Exception {
        ConfigStore store = config("notes");
        try (SessionHost host = host(store)) {
            Connector connector = host.reload().orElseThrow();
            connector.signIn().get(90, TimeUnit.SECONDS);
            try (SharedTokenSource bridge = new SharedTokenSource(() -> BrokerClient.connect(socket(), Duration.ofSeconds(2)),
                    () -> {
                        throw new AssertionError("the bridge must stay on the broker");
                    }, Clock.systemUTC())) {
                AccessToken notes = bridge.token("notes");
                BrokerClient connection = bridge.broker().orElseThrow();

                store.putServer("tickets", entry("tickets"));
                SessionHost.Applied added = host.apply(store.load());
                assertThat(added.rebuilt()).isFalse();
                assertThat(added.added()).containsExactly("tickets");
                assertThat(host.connector()).containsSame(connector);
                assertThat(bridge.token("tickets").scopes()).contains("tickets.read");

                store.removeServer("tickets");
                assertThat(host.apply(store.load()).removed()).containsExactly("tickets");
                assertThatThrownBy(() -> connection.token("tickets")).isInstanceOf(UnknownServerException.class);

                assertThat(bridge.broker()).as("the same broker connection all along").containsSame(connection);
                assertThat(connection.isOpen()).isTrue();
                assertThat(bridge.token("notes").value()).as("notes' token is kept").isEqualTo(notes.value());
                assertThat(connector.metrics().renewals()).as("one exchange for notes, one for tickets: none again")
                        .isEqualTo(2);
            }
        }
    }

    @Test
    void itFollowsTheFileAndOnlyAnotherIdpBuildsANewConnector() throws Exception {
        ConfigStore store = config("notes");
        try (SessionHost host = host(store)) {
            Connector first = host.reload().orElseThrow();
            host.follow(Duration.ofMillis(100), e -> { });

            store.putServer("tickets", entry("tickets"));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.servers().containsKey("tickets"));
            assertThat(host.connector()).containsSame(first);

            store.putIdp(new IdpSettings(issuer.idpIssuer().toString(), "another-client", "client_secret_basic"));
            await().atMost(Duration.ofSeconds(10)).until(() -> host.connector().filter(c -> c != first).isPresent());
            Connector second = host.connector().orElseThrow();
            assertThat(second.idp().clientId()).isEqualTo("another-client");
            assertThat(second.servers()).containsOnlyKeys("notes", "tickets");
            assertThat(host.serving()).as("the broker was restarted on the new connector").isTrue();
        }
    }

    @Test
    void serversWithoutAnIdpAreServedAndAnIdpAddedLaterBuildsTheEnterpriseConnector() throws Exception {
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(tmp.resolve("config.json"), Map.of());
        store.putServer("notes", entry("notes"));
        try (SessionHost host = host(store)) {
            Connector plain = host.reload().orElseThrow(() -> new AssertionError("servers alone are a set-up"));
            assertThat(plain.idp()).isNull();
            assertThat(plain.servers()).containsOnlyKeys("notes");
            assertThat(host.serving()).isTrue();

            store.putIdp(new IdpSettings(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT, "client_secret_basic"));
            Connector enterprise = host.reload().orElseThrow();
            assertThat(enterprise).isNotSameAs(plain);
            assertThat(enterprise.idp().clientId()).isEqualTo(SampleIssuerFixture.IDP_CLIENT);
            assertThat(enterprise.servers()).containsOnlyKeys("notes");
        }
    }

    @Test
    void aSecondHostOnTheSameSocketSaysWhyItCannotServe() throws Exception {
        ConfigStore store = config("notes");
        try (SessionHost serving = host(store); SessionHost second = host(store)) {
            serving.reload();
            second.reload();
            assertThat(serving.serving()).isTrue();
            assertThat(second.serving()).isFalse();
            assertThat(second.brokerProblem()).containsInstanceOf(BrokerAlreadyRunningException.class);
        }
    }

    /** The policy's JSON with {@code servers} (name → sample-issuer server), locking each. */
    private String policy(String... servers) {
        StringBuilder json = new StringBuilder("{\"servers\": {");
        for (int i = 0; i < servers.length; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(servers[i]).append("\": {\"url\": \"")
                    .append(issuer.server(servers[i])).append("\", \"asClientId\": \"").append(SampleIssuerFixture.AS_CLIENT)
                    .append("\"}");
        }
        json.append("}, \"locked\": [\"servers\"]}");
        return json.toString();
    }

    @Test
    void itFollowsThePolicyAServerTheAdminAddsIsServedAndOneRemovedStopsBeingServed() throws Exception {
        Path policyFile = tmp.resolve("policy.json");
        config("notes");
        ConfigStore store = new ConfigStore(tmp.resolve("config.json"), Map.of(), policyFile);
        List<SessionHost.Applied> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<RuntimeException> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SessionHost host = host(store)) {
            host.onApplied(applied::add);
            Connector connector = host.reload().orElseThrow();
            connector.signIn().get(90, TimeUnit.SECONDS);
            host.follow(Duration.ofMillis(100), problems::add);
            try (BrokerClient bridge = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
                AccessToken notes = bridge.token("notes");

                java.nio.file.Files.writeString(policyFile, policy("tickets"));
                await().atMost(Duration.ofSeconds(10)).until(() -> applied.stream().anyMatch(a -> a.added().contains("tickets")));
                SessionHost.Applied added = applied.get(applied.size() - 1);
                assertThat(added.managedAdded()).as("the tray's \"managed server added\"").containsExactly("tickets");
                assertThat(added.managed()).containsExactly("tickets");
                assertThat(added.rebuilt()).isFalse();
                assertThat(bridge.token("tickets").scopes()).as("served without a restart").contains("tickets.read");

                java.nio.file.Files.writeString(policyFile, "{ \"idp\": [ ] }"); // malformed: the running one stays
                await().atMost(Duration.ofSeconds(10)).until(() -> !problems.isEmpty());
                assertThat(problems.get(0)).hasMessageStartingWith("policy file " + policyFile + ": ")
                        .hasMessageContaining("ask your IT department");
                assertThat(bridge.token("tickets").scopes()).contains("tickets.read");

                java.nio.file.Files.writeString(policyFile, "{\"servers\": {}}");
                await().atMost(Duration.ofSeconds(10)).until(() -> applied.stream().anyMatch(a -> a.removed().contains("tickets")));
                assertThatThrownBy(() -> bridge.token("tickets")).as("no longer served").isInstanceOf(UnknownServerException.class);
                assertThat(bridge.token("notes").value()).as("the user's server keeps its token").isEqualTo(notes.value());
                assertThat(host.connector()).containsSame(connector);
            }
        }
    }
}
