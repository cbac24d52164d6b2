package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.bridge.engine.SharedSessionAuth;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.host.broker.SignInNeeded;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a bridge picks its token source: the broker while one runs (over a real socket), else the embedded engine. */
class SharedSessionAuthTest {

    @TempDir
    Path tmp;

    private final AtomicInteger fetches = new AtomicInteger();
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
        return broker(notices, dev.xaa4j.connector.host.config.SessionStorage.KEYRING);
    }

    private BrokerServer broker(List<SignInNeeded> notices, dev.xaa4j.connector.host.config.SessionStorage storage) {
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

    private SharedSessionAuth auth(TestAuth engine) {
        return new SharedSessionAuth(() -> BrokerClient.connect(socket(), Duration.ofSeconds(2)), engine, Clock.systemUTC());
    }

    @Test
    void withoutABrokerTheEngineAnswers() {
        SharedSessionAuth auth = auth(new TestAuth("engine"));
        assertThat(auth.authorization("notes")).contains("Bearer engine");
        assertThat(auth.usingBroker()).isFalse();
    }

    @Test
    void concurrentFirstCallsAllWaitForTheBrokerAndShareItsOneToken() throws Exception {
        broker(new CopyOnWriteArrayList<>());
        SharedSessionAuth auth = auth(new TestAuth("engine"));
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
        assertThat(auth.usingBroker()).isTrue();
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aRejectedTokenIsInvalidatedAtTheBroker() {
        broker(new CopyOnWriteArrayList<>());
        SharedSessionAuth auth = auth(new TestAuth("engine"));
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
        auth.unauthorized("notes");
        assertThat(auth.authorization("notes")).contains("Bearer broker-2");
    }

    @Test
    void whenTheBrokerGoesAwayTheEngineAnswersAtOnceAndListenersHear() throws Exception {
        BrokerServer server = broker(new CopyOnWriteArrayList<>());
        SharedSessionAuth auth = auth(new TestAuth("engine"));
        CountDownLatch told = new CountDownLatch(1);
        auth.onChange(told::countDown);
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
        server.close();
        assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        assertThat(auth.authorization("notes")).contains("Bearer engine");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(auth.usingBroker()).isFalse();
    }

    @Test
    void aServerTheBrokerDoesNotKnowIsServedByTheEngine() {
        broker(new CopyOnWriteArrayList<>());
        SharedSessionAuth auth = auth(new TestAuth("engine"));
        assertThat(auth.authorization("https://adhoc.example/mcp")).contains("Bearer engine");
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
    }

    @Test
    void aServerAMemoryBrokerDoesNotKnowIsAConfigurationErrorNeverTheKeyringEngine() {
        broker(new CopyOnWriteArrayList<>(), dev.xaa4j.connector.host.config.SessionStorage.MEMORY);
        SharedSessionAuth auth = auth(new TestAuth("engine"));
        assertThat(auth.authorization("notes")).contains("Bearer broker-1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> auth.authorization("https://adhoc.example/mcp"))
                .isInstanceOfSatisfying(BridgeException.class,
                        e -> assertThat(e.reason()).isEqualTo(BridgeException.Reason.CONFIGURATION))
                .hasMessageContaining("keeps the session in its memory").hasMessageContaining("xaa server add");
    }

    @Test
    void aBrokerWithoutSessionMeansNotSignedInAndTheHostIsToldOnce() throws Exception {
        signedIn = false;
        List<SignInNeeded> notices = new CopyOnWriteArrayList<>();
        broker(notices);
        TestAuth engine = new TestAuth("engine");
        SharedSessionAuth auth = auth(engine);
        assertThat(auth.authorization("notes")).isEmpty();
        assertThat(auth.authorization("notes")).as("no fallback to the engine: the broker owns the session").isEmpty();
        await("the host is told").atMost(Duration.ofSeconds(5)).until(() -> !notices.isEmpty());
        await("and told once").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> notices.size() == 1);
        assertThat(notices).extracting(SignInNeeded::server).containsExactly("notes");
    }
}
