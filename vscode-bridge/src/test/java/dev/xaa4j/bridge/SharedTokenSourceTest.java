package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.SharedTokenSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.host.broker.SignInNeeded;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a bridge picks its token source ({@link SharedTokenSource} through {@link TokenSourceAuth}): the broker while
 * one runs (over a real socket), else the embedded connector, built on first use and again after a failed build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedTokenSourceTest {

    @TempDir
    Path tmp;

    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger embeddedFetches = new AtomicInteger();
    private volatile boolean signedIn = true;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private Path socket() {
        return tmp.resolve("run").resolve("broker.sock");
    }

    private BrokerServer broker(List<SignInNeeded> notices) {
        return broker(notices, SessionStorage.KEYRING);
    }

    private BrokerServer broker(List<SignInNeeded> notices, SessionStorage storage) {
        TokenFetcher fetcher = (server, extra) -> {
            if (!signedIn) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "not signed in");
            }
            int n = fetches.incrementAndGet();
            return new TokenFetcher.Fetched(new AccessToken(server, "broker-" + n, "Bearer", Instant.now().plusSeconds(600),
                    Set.of("notes.read")), StubConnectors.NOTES_KEY);
        };
        Connector connector = StubConnectors.notes(fetcher);
        BrokerServer server = BrokerServer.builder(connector).socket(socket()).onSignInNeeded(notices::add)
                .sessionStorage(storage).start();
        cleanup.add(connector);
        cleanup.add(server);
        return server;
    }

    /** The embedded connector: tokens "engine-N" for notes and for an ad-hoc URL server. */
    private Connector embedded() {
        TokenFetcher fetcher = (server, extra) -> new TokenFetcher.Fetched(new AccessToken(server,
                "engine-" + embeddedFetches.incrementAndGet(), "Bearer", Instant.now().plusSeconds(600),
                Set.of("notes.read")), StubConnectors.NOTES_KEY);
        Connector c = ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.example"), "xaa", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create("https://notes.example/mcp"), "xaa", ClientAuthMethod.NONE))
                .server(ServerConfig.of("https://adhoc.example/mcp", URI.create("https://adhoc.example/mcp"), "xaa",
                        ClientAuthMethod.NONE))
                .idTokenSource(() -> "not-used").clientCredentials(ClientCredentialsSource.ofSecrets(Map.of()))
                .journal(false), fetcher).build();
        cleanup.add(c);
        return c;
    }

    private SharedTokenSource shared(Supplier<? extends TokenSource> embedded) {
        SharedTokenSource s = new SharedTokenSource(() -> BrokerClient.connect(socket(), Duration.ofSeconds(2)), embedded,
                Clock.systemUTC());
        cleanup.add(s);
        return s;
    }

    private TokenSourceAuth auth() {
        return new TokenSourceAuth(shared(this::embedded), false);
    }

    @Test
    void withoutABrokerTheEmbeddedConnectorAnswers() {
        TokenSourceAuth auth = auth();
        assertThat(auth.authorization("notes")).contains("Bearer engine-1");
        assertThat(((SharedTokenSource) auth.source()).usingBroker()).isFalse();
    }

    @Test
    void concurrentFirstCallsAllWaitForTheBrokerAndShareItsOneToken() throws Exception {
        broker(new CopyOnWriteArrayList<>());
        TokenSourceAuth auth = auth();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<String>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return auth.authorization("notes");
                }));
            }
            go.countDown();
            for (Future<Optional<String>> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).contains("Bearer broker-1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(((SharedTokenSource) auth.source()).usingBroker()).isTrue();
        assertThat(fetches).hasValue(1);
        assertThat(embeddedFetches).as("the embedded connector was never asked").hasValue(0);
    }

    @Test
    void aRejectedTokenIsInvalidatedAtTheBroker() {
        broker(new CopyOnWriteArrayList<>());
        TokenSourceAuth auth = auth();
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
        auth.unauthorized("notes");
        assertThat(auth.authorization("notes")).contains("Bearer broker-2");
    }

    @Test
    void whenTheBrokerGoesAwayTheEmbeddedConnectorAnswersAtOnceAndListenersHear() throws Exception {
        BrokerServer server = broker(new CopyOnWriteArrayList<>());
        TokenSourceAuth auth = auth();
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        auth.onChange(told::incrementAndGet);
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
        // the broker's token_issued for broker-1 may reach the listener late: wait for the switch itself, and a
        // notification after it (not merely any notification)
        SharedTokenSource shared = (SharedTokenSource) auth.source();
        CountDownLatch switched = new CountDownLatch(1);
        shared.onSwitch(switched::countDown);
        int before = told.get();
        server.close();
        assertThat(switched.await(5, TimeUnit.SECONDS)).as("the switch to the embedded connector").isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> told.get() > before);
        assertThat(auth.authorization("notes")).contains("Bearer engine-1");
        assertThat(((SharedTokenSource) auth.source()).usingBroker()).isFalse();
    }

    @Test
    void aServerTheBrokerDoesNotKnowIsServedByTheEmbeddedConnector() {
        broker(new CopyOnWriteArrayList<>());
        TokenSourceAuth auth = auth();
        assertThat(auth.authorization("https://adhoc.example/mcp")).contains("Bearer engine-1");
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
    }

    @Test
    void aServerAMemoryBrokerDoesNotKnowIsAConfigurationErrorNeverTheKeyringConnector() {
        broker(new CopyOnWriteArrayList<>(), SessionStorage.MEMORY);
        TokenSourceAuth auth = auth();
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
        assertThatThrownBy(() -> auth.authorization("https://adhoc.example/mcp"))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION))
                .hasMessageContaining("keeps the session in its memory").hasMessageContaining("xaa server add");
        assertThat(embeddedFetches).hasValue(0);
    }

    @Test
    void aBrokerWithoutSessionMeansNotSignedInAndTheHostIsToldOnce() {
        signedIn = false;
        List<SignInNeeded> notices = new CopyOnWriteArrayList<>();
        broker(notices);
        TokenSourceAuth auth = auth();
        assertThat(auth.authorization("notes")).isEmpty();
        assertThat(auth.authorization("notes")).as("no fallback to the embedded connector: the broker owns the session")
                .isEmpty();
        assertThat(embeddedFetches).hasValue(0);
        // The broker queues notices in order: once a later one is seen, an earlier second one would have been too.
        try (BrokerClient marker = BrokerClient.connect(socket(), Duration.ofSeconds(2))) {
            marker.signInNeeded("marker");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> notices.size() >= 2);
        assertThat(notices).extracting(SignInNeeded::server).containsExactly("notes", "marker");
    }

    @Test
    void aFailedEmbeddedBuildIsTriedAgainSoABridgeRecoversWithoutARestart() {
        AtomicInteger builds = new AtomicInteger();
        TokenSourceAuth auth = new TokenSourceAuth(shared(() -> {
            if (builds.incrementAndGet() == 1) {
                throw new BridgeException(Reason.NOT_SET_UP, "xaa is not set up yet: run `xaa idp ...`, then `xaa login`");
            }
            return embedded();
        }), false);

        assertThatThrownBy(() -> auth.authorization("notes")).isInstanceOf(BridgeException.class)
                .hasMessageContaining("xaa login");
        assertThatThrownBy(() -> auth.authorization("notes")).as("answered from memory right after the failure")
                .hasMessageContaining("xaa login");
        assertThat(builds).hasValue(1);

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> auth.authorization("notes").equals(Optional.of("Bearer engine-1")));
        assertThat(builds).hasValue(2);
    }

    @Test
    void aPerServerSignInGoesToTheEmbeddedConnectorWhenNoBrokerRunsOrTheBrokerDoesNotServeTheServer() throws Exception {
        PerServerTokenSource wiki = new PerServerTokenSource("wiki", dev.xaa4j.connector.AuthMode.OAUTH);
        try (SharedTokenSource alone = new SharedTokenSource(() -> {
            throw new dev.xaa4j.connector.host.broker.BrokerNotRunningException("none");
        }, () -> wiki, java.time.Clock.systemUTC())) {
            assertThat(alone.signIn("wiki").get(10, TimeUnit.SECONDS).flow()).isEqualTo(dev.xaa4j.connector.AuthMode.OAUTH);
            assertThat(wiki.signIns).containsExactly("wiki");
            assertThat(alone.token("wiki").value()).isEqualTo("wiki-token");
            assertThat(alone.signOut("wiki").state()).isEqualTo(dev.xaa4j.connector.ServerState.IDLE);
        }
        broker(new ArrayList<>()); // serves notes only, keeps the session in the keyring
        PerServerTokenSource other = new PerServerTokenSource("wiki", dev.xaa4j.connector.AuthMode.OAUTH);
        try (SharedTokenSource shared = new SharedTokenSource(() -> dev.xaa4j.connector.host.broker.BrokerClient.connect(socket(),
                java.time.Duration.ofSeconds(2)), () -> other, java.time.Clock.systemUTC())) {
            assertThat(shared.usingBroker()).isFalse();
            shared.status(); // finds the broker
            assertThat(shared.usingBroker()).isTrue();
            assertThat(shared.signIn("wiki").get(10, TimeUnit.SECONDS).server()).isEqualTo("wiki");
            assertThat(other.signIns).as("the broker does not serve wiki: signed in here").containsExactly("wiki");
            assertThat(shared.usingBroker()).as("the broker stays in use for its servers").isTrue();
        }
    }
}
