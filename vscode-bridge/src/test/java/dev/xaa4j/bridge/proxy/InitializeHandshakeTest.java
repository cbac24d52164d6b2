package dev.xaa4j.bridge.proxy;

import static dev.xaa4j.bridge.proxy.ScriptedChannel.answers;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.clientInitialize;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.fails;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.refuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's initialize: from the cache, from the server within the budget, or answered locally. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InitializeHandshakeTest {

    private static final String V1 = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true}},"
            + "\"serverInfo\":{\"name\":\"notes\",\"version\":\"1\"}}";
    private static final String V2 = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true},"
            + "\"prompts\":{}},\"serverInfo\":{\"name\":\"notes\",\"version\":\"2\"}}";

    /** A budget never spent: the upstream's outcome (answer or failure) ends the wait. */
    private static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScriptedChannel channel = new ScriptedChannel();
    /** Upstream initialize answers wait for this (a slow server). */
    private final CountDownLatch upstream = new CountDownLatch(1);
    private final UpstreamSession session = new UpstreamSession(ScriptedChannel.settings(), channel, workers);
    private final ScriptedChannel.ClientOut client = new ScriptedChannel.ClientOut();

    @AfterEach
    void close() {
        upstream.countDown();
        session.close();
        workers.shutdownNow();
    }

    /** {@code budget}: short only where the test needs it spent (the upstream blocks until released then). */
    private InitializeHandshake handshake(InitializeCache cache, Duration budget) {
        InitializeHandshake h = new InitializeHandshake(session,
                ScriptedChannel.settings().withInitializeBudget(budget), cache, client.writer, "test");
        session.listener(h);
        return h;
    }

    private ScriptedChannel.Outcome<JsonNode> slowly(ScriptedChannel.Outcome<JsonNode> outcome) {
        return init -> {
            upstream.await();
            return outcome.run(init);
        };
    }

    @Test
    void aCachedAnswerComesAtOnceAndADifferentRealAnswerAnnouncesWhatChanged() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        cache.remember(ScriptedChannel.settings().endpoint(), "2025-06-18", ScriptedChannel.JSON.readTree(V1));
        channel.onInitialize(slowly(answers(V2)));

        handshake(cache, LONG).initialize(clientInitialize(1), null, null);
        assertThat(client.messages()).as("answered before the server did").hasSize(1);
        assertThat(client.messages().get(0).path("result")).isEqualTo(ScriptedChannel.JSON.readTree(V1));

        upstream.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.methods().size() == 2);
        assertThat(client.methods()).containsExactly("notifications/tools/list_changed", "notifications/prompts/list_changed");
        JsonNode v2 = ScriptedChannel.JSON.readTree(V2);
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.lookup(ScriptedChannel.settings().endpoint(), "2025-06-18")
                .map(v2::equals).orElse(false));
    }

    @Test
    void theServersAnswerWithinTheBudgetIsRelayedUnderTheClientsId() throws Exception {
        channel.onInitialize(answers(V1));
        upstream.countDown();

        handshake(InitializeCache.disabled(), LONG).initialize(clientInitialize(9), null, null);

        JsonNode answer = client.messages().get(0);
        assertThat(answer.path("id").asInt()).isEqualTo(9);
        assertThat(answer.path("result")).isEqualTo(ScriptedChannel.JSON.readTree(V1));
        assertThat(client.methods()).isEmpty();
    }

    @Test
    void aSlowServerGetsALocalAnswerThenTheToolsAreAnnounced() throws Exception {
        channel.onInitialize(slowly(answers(V1)));

        handshake(InitializeCache.disabled(), Duration.ofMillis(50)).initialize(clientInitialize(1), null, null);
        JsonNode local = client.messages().get(0).path("result");
        assertThat(local.path("serverInfo").path("name").asText()).isEqualTo("xaa-bridge");
        assertThat(local.path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(local.path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
        assertThat(local.path("instructions").asText()).startsWith("Connecting to the MCP server 'notes' through xaa.");

        upstream.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.methods().contains("notifications/tools/list_changed"));
    }

    @Test
    void aSetUpProblemIsNamedInTheLocalAnswer() throws Exception {
        channel.onInitialize(fails(new BridgeException(Reason.NOT_SET_UP, "No IdP is configured: run `xaa idp URL`")));
        upstream.countDown();

        handshake(InitializeCache.disabled(), LONG).initialize(clientInitialize(1), null, null);

        assertThat(client.messages().get(0).path("result").path("instructions").asText())
                .startsWith("xaa cannot connect to the MCP server 'notes' until this is fixed: No IdP is configured")
                .endsWith("once xaa is set up.");
    }

    @Test
    void aSecondInitializeIsRefusedAndARefusingServerLosesItsCacheEntry() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        cache.remember(ScriptedChannel.settings().endpoint(), "2025-06-18", ScriptedChannel.JSON.readTree(V1));
        channel.onInitialize(refuses("unsupported"));
        upstream.countDown();
        InitializeHandshake h = handshake(cache, LONG);

        h.initialize(clientInitialize(1), null, null);
        h.initialize(clientInitialize(2), null, null);

        JsonNode second = client.messages().get(1);
        assertThat(second.path("id").asInt()).isEqualTo(2);
        assertThat(second.path("error").path("code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cache.lookup(ScriptedChannel.settings().endpoint(), "2025-06-18").isEmpty());
    }
}
