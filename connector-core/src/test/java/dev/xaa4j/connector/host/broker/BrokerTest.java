package dev.xaa4j.connector.host.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.SampleIssuerConnectors;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.sample.SampleIssuers;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The broker over a real Unix domain socket, serving a real connector signed in at the sample issuer. */
class BrokerTest extends SampleIssuerConnectors {

    private Connector connector(String user) throws Exception {
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("state"));
        if (user == null) {
            return b.build();
        }
        Connector c = SampleIssuerFixture.withTestBrowser(b, tmp, user).build();
        c.signIn().get(90, TimeUnit.SECONDS);
        return c;
    }

    private Path socket() {
        return tmp.resolve("run").resolve("broker.sock");
    }

    @Test
    void twoClientsGetTheOwnersTokenFromOneExchange() throws Exception {
        try (Connector connector = connector("alice");
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).start();
             BrokerClient a = BrokerClient.connect(socket(), Duration.ofSeconds(2));
             BrokerClient b = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            AccessToken ta = a.token("notes");
            AccessToken tb = b.token("notes");
            assertThat(ta.value()).isEqualTo(tb.value()).isEqualTo(connector.cachedToken("notes").orElseThrow().value());
            assertThat(ta.scopes()).contains("notes.read");
            assertThat(ta.expiresAt()).isAfter(java.time.Instant.now());
            assertThat(a.brokerPid()).isEqualTo(ProcessHandle.current().pid());

            BrokerStatus status = b.status();
            assertThat(status.status().user()).contains("alice");
            assertThat(status.status().displayName()).as("the ID token's name crosses the broker").contains("Alice Anders");
            assertThat(status.status().servers().get("notes").state()).isEqualTo(ServerState.READY);
            assertThat(status.metrics().renewals()).isEqualTo(1);
            assertThat(status.clients()).isEqualTo(2);
            assertThat(server.clients()).isEqualTo(2);

            assertThat(a.invalidate("notes", ta.value())).isTrue();
            assertThat(b.token("notes").value()).isNotEqualTo(ta.value());
            assertThat(b.status().metrics().renewals()).isEqualTo(2);
        }
    }

    @Test
    void aClientSignsInThroughTheBrokerWhoseHostKeepsTheSessionInMemory() throws Exception {
        MemoryCredentialStore memory = new MemoryCredentialStore();
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), memory, tmp.resolve("state"));
        try (Connector connector = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build();
             BrokerServer server = BrokerServer.builder(connector).socket(socket())
                     .sessionStorage(dev.xaa4j.connector.host.config.SessionStorage.MEMORY).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            assertThat(client.sessionStorage()).as("told in hello").isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.MEMORY);
            assertThatThrownBy(() -> client.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);

            BrokerStatus signedIn = client.signIn(Duration.ofSeconds(90)); // the host's browser, the host's store
            assertThat(signedIn.status().user()).contains("alice");
            assertThat(signedIn.sessionStorage()).isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.MEMORY);
            assertThat(memory.read(dev.xaa4j.connector.internal.store.SessionStore.key(issuer.idpIssuer().toString(), "xaa-desktop")))
                    .as("the session is in the host's store").isPresent();
            assertThat(client.token("notes").scopes()).contains("notes.read");
            assertThat(client.status().sessionStorage()).isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.MEMORY);
        }
        try (Connector keyringLike = connector(null);
             BrokerServer server = BrokerServer.builder(keyringLike).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            assertThat(client.sessionStorage()).as("the default").isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.KEYRING);
            assertThat(client.status().sessionStorage()).isEqualTo(dev.xaa4j.connector.host.config.SessionStorage.KEYRING);
        }
    }

    @Test
    void errorsArriveAsTheConnectorsTypedExceptions() throws Exception {
        try (Connector signedOut = connector(null);
             BrokerServer server = BrokerServer.builder(signedOut).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> client.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
            assertThatThrownBy(() -> client.token("nope")).isInstanceOf(UnknownServerException.class).hasMessageContaining("nope");
        }
        try (Connector alice = connector("alice");
             BrokerServer server = BrokerServer.builder(alice).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            assertThat(SampleIssuers.admin(issuer, "revoke", "alice", "tickets")).isEqualTo(200);
            try {
                assertThatThrownBy(() -> client.token("tickets")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED)
                        .hasMessageNotContaining("eyJ");
            } finally {
                SampleIssuers.admin(issuer, "restore", "alice", "tickets");
            }
        }
    }

    @Test
    void signInNeededReachesTheHostAndSessionEventsReachSubscribers() throws Exception {
        List<SignInNeeded> notifications = new CopyOnWriteArrayList<>();
        List<ConnectorEvent> pushed = new CopyOnWriteArrayList<>();
        CountDownLatch signedOut = new CountDownLatch(1);
        try (Connector connector = connector("alice");
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).onSignInNeeded(notifications::add).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            client.subscribe(e -> {
                pushed.add(e);
                if (e instanceof ConnectorEvent.SignedOut) {
                    signedOut.countDown();
                }
            });
            client.signInNeeded("notes");
            connector.signOut();
            assertThat(signedOut.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(pushed).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ConnectorEvent.SignedOut.class,
                    s -> assertThat(s.user()).contains("alice")));
            await("the sign-in-needed notification").atMost(Duration.ofSeconds(5)).until(() -> !notifications.isEmpty());
            assertThat(notifications).extracting(SignInNeeded::server).containsExactly("notes");
            assertThatThrownBy(() -> client.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
        }
    }

    @Test
    void signOutThroughTheBrokerRevokesAtTheIdpAndAnswersWhatHappened() throws Exception {
        try (Connector connector = connector("alice");
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).start();
             BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            SignOutResult result = client.signOut();

            assertThat(result.revocation()).isEqualTo(SignOutResult.Revocation.REVOKED);
            assertThat(result.user()).contains("alice");
            assertThat(result.describe()).isEqualTo("signed out (the IdP ended the session)");
            assertThat(connector.status().signedIn()).isFalse();
            assertThat(Files.readString(issuer.auditFile())).contains("\"event\":\"revocation\",\"user\":\"alice\"");
        }
    }

    @Test
    void aDirectoryOtherUsersCanReachIsRefusedByServerAndClient() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Connector connector = connector(null)) {
            assertThatThrownBy(() -> BrokerServer.builder(connector).socket(dir.resolve("broker.sock")).start())
                    .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("rwxr-xr-x").hasMessageContaining("chmod 700");
            assertThatThrownBy(() -> BrokerClient.connect(dir.resolve("broker.sock"), Duration.ofSeconds(1)))
                    .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION);
        }
    }

    @Test
    void theSocketIsOwnerOnlyAndASecondServerIsRefused() throws Exception {
        try (Connector connector = connector(null);
             BrokerServer first = BrokerServer.builder(connector).socket(socket()).start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket().getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket()))).isEqualTo("rw-------");
            assertThatThrownBy(() -> BrokerServer.builder(connector).socket(socket()).start())
                    .isInstanceOf(BrokerAlreadyRunningException.class).hasMessageContaining("already");
            assertThat(BrokerClient.isRunning(socket())).as("the first one still serves").isTrue();
        }
        assertThat(socket()).doesNotExist();
    }

    @Test
    void withoutABrokerTheClientSaysNotRunningAndAStaleSocketIsReplaced() throws Exception {
        assertThatThrownBy(() -> BrokerClient.connect(socket(), Duration.ofSeconds(1))).isInstanceOf(BrokerNotRunningException.class);
        Files.createDirectory(socket().getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket())); // a broker that died leaves its socket file behind
        }
        assertThat(socket()).exists();
        assertThatThrownBy(() -> BrokerClient.connect(socket(), Duration.ofSeconds(1)))
                .isInstanceOf(BrokerNotRunningException.class).hasMessageContaining("stale");
        assertThat(BrokerClient.isRunning(socket())).isFalse();
        try (Connector connector = connector(null);
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).start()) {
            assertThat(BrokerClient.isRunning(socket())).isTrue();
        }
    }

    @Test
    void clientsBeyondTheBoundAreRefusedAsBusyNotAsNotRunning() throws Exception {
        try (Connector connector = connector(null);
             BrokerServer server = BrokerServer.builder(connector).socket(socket()).maxClients(1).start();
             BrokerClient first = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> BrokerClient.connect(socket(), Duration.ofSeconds(2)))
                    .isInstanceOf(BrokerException.class).isNotInstanceOf(BrokerNotRunningException.class)
                    .hasMessageContaining("busy");
            assertThat(first.status().clients()).isEqualTo(1);
        }
    }

    @Test
    void whenTheBrokerStopsClientsAreToldAndNeverHang() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        try (Connector connector = connector("alice")) {
            BrokerServer server = BrokerServer.builder(connector).socket(socket()).start();
            BrokerClient client = BrokerClient.connect(socket(), Duration.ofSeconds(2));
            client.onClose(gone::countDown);
            client.token("notes");
            server.close();
            assertThat(gone.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(client.isOpen()).isFalse();
            assertThatThrownBy(() -> client.token("notes")).isInstanceOf(BrokerNotRunningException.class);
            assertThatThrownBy(() -> BrokerClient.connect(socket(), Duration.ofSeconds(1))).isInstanceOf(BrokerNotRunningException.class);
        }
    }
}
