package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.proxy.InitializeCache;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code initialize} answered at once from the server's last answer, with the upstream connecting in the
 * background; what the client is told when the server's answer has changed since.
 */
class InitializeCacheBridgeTest extends TestMcpServerPerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private BridgeHarness bridge(InitializeCache cache) throws Exception {
        return new BridgeHarness(BridgeHarness.fast("notes", server.endpoint()), new TestAuth("t"), cache);
    }

    @Test
    void theServersAnswerIsRememberedAndGivenAtOnceNextTimeEvenWhileTheServerIsDown() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        JsonNode first;
        try (BridgeHarness b = bridge(cache)) {
            first = b.handshake();
            assertThat(first.path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");
        }
        assertThat(cache.lookup(server.endpoint(), "2025-06-18")).contains((com.fasterxml.jackson.databind.node.ObjectNode) first.get("result"));

        int port = server.port();
        server.close();
        // an initialize budget far beyond WAIT: a bridge that waited on the (down) server instead of the cache fails the await
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("notes", server.endpoint()).withInitializeBudget(Duration.ofMinutes(10)),
                new TestAuth("t"), cache)) {
            b.send(BridgeHarness.initialize(1));
            JsonNode answer = b.awaitResponse(1, WAIT);
            assertThat(answer.get("result")).isEqualTo(first.get("result"));
            b.send(BridgeHarness.initialized());

            server = TestMcpServer.start(port); // back up: the bridge connects and tools work without a new initialize
            b.send(BridgeHarness.call(2, "echo", "{\"text\":\"hi\"}"));
            JsonNode r = b.awaitResponse(2, WAIT);
            if (r.has("error")) { // asked before the retry timer reconnected: answered offline, then list_changed
                b.await(m -> "notifications/tools/list_changed".equals(m.path("method").asText()), WAIT);
                b.send(BridgeHarness.call(3, "echo", "{\"text\":\"hi\"}"));
                r = b.awaitResponse(3, WAIT);
            }
            assertThat(StdioBridgeTest.text(r)).isEqualTo("echo: hi");
        }
    }

    @Test
    void aChangedServerIsAnnouncedWithListChangedAndReplacesTheEntry() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        try (BridgeHarness b = bridge(cache)) {
            b.handshake();
        }
        int port = server.port();
        server.close();
        server = TestMcpServer.startVersion(port, "2.0");

        try (BridgeHarness b = bridge(cache)) {
            JsonNode answer = b.handshake();
            assertThat(answer.path("result").path("serverInfo").path("version").asText()).as("last time's answer").isEqualTo("1.0");
            b.send(BridgeHarness.call(2, "echo", "{\"text\":\"v2\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("echo: v2");
            // sent when the upstream answered (before any request could be forwarded), once
            assertThat(b.rawLines).filteredOn(l -> l.contains("notifications/tools/list_changed")).hasSize(1);
        }
        assertThat(cache.lookup(server.endpoint(), "2025-06-18").orElseThrow().path("serverInfo").path("version").asText())
                .isEqualTo("2.0");
    }

    @Test
    void anUnchangedServerCausesNoListChanged() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        try (BridgeHarness b = bridge(cache)) {
            b.handshake();
        }
        try (BridgeHarness b = bridge(cache)) {
            b.handshake();
            b.send(BridgeHarness.call(2, "echo", "{\"text\":\"same\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("echo: same");
            b.send(BridgeHarness.request(3, "ping"));
            b.awaitResponse(3, WAIT);
            assertThat(b.rawLines).noneMatch(l -> l.contains("list_changed"));
        }
    }

    @Test
    void theFirstCallAfterACachedAnswerWaitsForTheConnectionUnderWayInsteadOfFailing() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        try (BridgeHarness b = bridge(cache)) {
            b.handshake();
        }
        TestAuth slow = new TestAuth("t");
        slow.tokensAfter(Duration.ofSeconds(4)); // longer than the 3 s an offline bridge gives a reconnection
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("notes", server.endpoint()), slow, cache)) {
            b.send(BridgeHarness.initialize(1));
            assertThat(b.awaitResponse(1, WAIT).path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");
            b.send(BridgeHarness.initialized());
            b.send(BridgeHarness.call(2, "echo", "{\"text\":\"patient\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("echo: patient");
        }
    }
}
