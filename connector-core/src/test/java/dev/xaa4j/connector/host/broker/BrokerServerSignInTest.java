package dev.xaa4j.connector.host.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.SampleIssuerConnectors;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker's per-server operations of issue 11 over a real Unix domain socket: {@code serverSignIn},
 * {@code serverSignOut}, each server's {@code flow}/{@code flowReason} in {@code status}, and the
 * {@code token_issued} event that tells a waiting bridge a server's token now exists (never its value).
 */
@Timeout(120)
class BrokerServerSignInTest extends SampleIssuerConnectors {

    private Path socket() {
        return tmp.resolve("run").resolve("broker.sock");
    }

    private Connector signedIn() throws Exception {
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("state"));
        Connector c = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build();
        c.signIn().get(90, TimeUnit.SECONDS);
        return c;
    }

    @Test
    void aServerStatusCrossesTheWireWithItsFlowAndReason() {
        ServerStatus oauth = new ServerStatus("wiki", ServerState.READY, Optional.of(Instant.parse("2026-12-01T00:00:00Z")),
                Set.of("wiki.read"), Optional.empty(), Optional.of(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED),
                Optional.empty(), AuthMode.OAUTH, Optional.of("its authorization server does not redeem ID-JAGs"));
        assertThat(BrokerProtocol.serverStatus("wiki", BrokerProtocol.serverStatus(oauth))).isEqualTo(oauth);
        ServerStatus undecided = new ServerStatus("notes", ServerState.IDLE, Optional.empty(), Set.of(), Optional.empty());
        assertThat(BrokerProtocol.serverStatus("notes", BrokerProtocol.serverStatus(undecided))).isEqualTo(undecided);

        ObjectNode older = BrokerProtocol.serverStatus(oauth);
        older.remove("flow");
        assertThat(BrokerProtocol.serverStatus("wiki", older).flow()).as("an older broker: not decided").isEqualTo(AuthMode.AUTO);
        assertThat(BrokerProtocol.serverStatus("wiki", older).flowReason()).isEmpty();
        older.put("flow", "quantum");
        assertThat(BrokerProtocol.serverStatus("wiki", older).flow()).as("a newer broker's flow").isEqualTo(AuthMode.AUTO);
    }

    @Test
    void tokenIssuedIsPushedWithoutTheValue() {
        ConnectorEvent.TokenIssued issued = new ConnectorEvent.TokenIssued(Instant.parse("2026-12-01T00:00:00Z"), "wiki",
                Set.of("wiki.read"), Instant.parse("2026-12-01T01:00:00Z"));
        JsonNode wire = BrokerProtocol.event(issued);
        assertThat(wire.path("type").asText()).isEqualTo("token_issued");
        assertThat(wire.has("value")).isFalse();
        assertThat(BrokerProtocol.event(wire)).contains(issued);
    }

    @Test
    void subscribersHearTokenIssuedAndStatusCarriesTheEnginesFlow() throws Exception {
        List<ConnectorEvent> pushed = new CopyOnWriteArrayList<>();
        try (Connector connector = signedIn();
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            client.subscribe(pushed::add);
            AccessToken t = client.token("notes");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pushed).anySatisfy(e -> assertThat(e)
                    .isInstanceOfSatisfying(ConnectorEvent.TokenIssued.class, i -> assertThat(i.server()).isEqualTo("notes"))));
            assertThat(pushed).allSatisfy(e -> assertThat(e.toString()).doesNotContain(t.value()));

            ServerStatus engine = connector.status().servers().get("notes");
            ServerStatus viaBroker = client.status().status().servers().get("notes");
            assertThat(viaBroker.flow()).isEqualTo(engine.flow());
            assertThat(viaBroker.flowReason()).isEqualTo(engine.flowReason());
        }
    }

    @Test
    void aClientSignsInToAPlainOAuthServerThroughTheBrokerAndSignsOutAgain() throws Exception {
        List<ConnectorEvent> pushed = new CopyOnWriteArrayList<>();
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("state"));
        b.server(dev.xaa4j.connector.ServerConfig.of("wiki", issuer.oauthServers().get("wiki"), SampleIssuerFixture.AS_CLIENT,
                dev.xaa4j.connector.ClientAuthMethod.CLIENT_SECRET_BASIC));
        dev.xaa4j.connector.internal.ConnectorInternals.browserLauncher(b,
                uri -> { // the host's browser
                    try {
                        dev.xaa4j.connector.testing.TestBrowser.signIn(uri, "alice", "alice");
                    } catch (Exception e) {
                        throw new java.io.IOException(e);
                    }
                });
        try (Connector connector = b.build();
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2));
             BrokerTokenSource source = new BrokerTokenSource(BrokerClient.connect(socket(), Duration.ofSeconds(2)),
                     java.time.Clock.systemUTC())) {
            client.subscribe(pushed::add);
            assertThatThrownBy(() -> client.token("wiki")).isInstanceOf(ConnectorException.class)
                    .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
            assertThat(client.status().status().servers().get("wiki").flow()).isEqualTo(AuthMode.OAUTH);

            ServerStatus signedIn = source.signIn("wiki").get(90, TimeUnit.SECONDS);
            assertThat(signedIn.flow()).isEqualTo(AuthMode.OAUTH);
            assertThat(signedIn.flowReason()).isPresent();
            assertThat(signedIn.expiresAt()).isPresent();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pushed).anySatisfy(e -> assertThat(e)
                    .isInstanceOfSatisfying(ConnectorEvent.TokenIssued.class, i -> assertThat(i.server()).isEqualTo("wiki"))));
            AccessToken t = source.token("wiki");
            assertThat(t.value()).isEqualTo(connector.cachedToken("wiki").orElseThrow().value());
            assertThat(pushed).allSatisfy(e -> assertThat(e.toString()).doesNotContain(t.value()));

            ServerStatus signedOut = source.signOut("wiki");
            assertThat(signedOut.flow()).isEqualTo(AuthMode.OAUTH);
            assertThat(signedOut.expiresAt()).isEmpty();
            assertThat(source.cachedToken("wiki")).isEmpty();
            assertThatThrownBy(() -> source.token("wiki")).isInstanceOf(ConnectorException.class)
                    .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
        }
    }

    @Test
    void perServerOperationsForAServerTheBrokerDoesNotServeAreUnknownServer() throws Exception {
        try (Connector connector = signedIn();
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> client.signIn("nope", Duration.ofSeconds(5))).isInstanceOf(UnknownServerException.class);
            assertThatThrownBy(() -> client.signOut("nope")).isInstanceOf(UnknownServerException.class);
            assertThat(client.invalidate("notes", "")).as("a refused request without a token is a valid report").isFalse();
            assertThat(client.isOpen()).isTrue();
        }
    }
}
