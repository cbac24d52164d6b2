package dev.xaa4j.bridge.proxy;

import static dev.xaa4j.bridge.proxy.ScriptedChannel.answers;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.clientInitialize;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.fails;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the client gets while the upstream is not usable: before initialize, while connecting, offline. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OfflineResponderTest {

    private static final String RESULT = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
            + "\"serverInfo\":{\"name\":\"notes\",\"version\":\"1\"}}";

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScriptedChannel channel = new ScriptedChannel();
    private final UpstreamSession session = new UpstreamSession(ScriptedChannel.settings(), channel, workers);
    private final ScriptedChannel.ClientOut client = new ScriptedChannel.ClientOut();
    private final InitializeHandshake handshake = new InitializeHandshake(session, ScriptedChannel.settings(),
            InitializeCache.disabled(), client.writer, "test");
    private final OfflineResponder responder = new OfflineResponder(session, handshake, client.writer, "notes");

    OfflineResponderTest() {
        session.listener(handshake);
    }

    @AfterEach
    void close() {
        session.close();
        workers.shutdownNow();
    }

    private static JsonNode request(int id, String method) {
        return message("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\"}");
    }

    private JsonNode answerTo(JsonNode request) throws Exception {
        responder.answer(request);
        List<JsonNode> out = client.messages();
        return out.get(out.size() - 1);
    }

    @Test
    void beforeInitializeOnlyPingIsAnswered() throws Exception {
        assertThat(answerTo(request(1, "ping")).get("result").isEmpty()).isTrue();
        JsonNode refused = answerTo(request(2, "tools/list"));
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        assertThat(refused.path("error").path("message").asText()).isEqualTo("Send initialize first");
    }

    @Test
    void whileConnectingListsAreEmptyOtherRequestsGetTheReasonAndTheToolsAreAnnouncedOnceConnected() throws Exception {
        CountDownLatch upstream = new CountDownLatch(1);
        channel.onInitialize(init -> {
            upstream.await();
            return answers(RESULT).run(init);
        });
        session.begin(clientInitialize(1));
        var attempt = session.connect();

        assertThat(answerTo(request(2, "ping")).get("result").isEmpty()).isTrue();
        assertThat(answerTo(request(3, "tools/list")).path("result").path("tools").isArray()).isTrue();
        assertThat(answerTo(request(4, "prompts/list")).path("result").path("prompts")).isEmpty();
        assertThat(answerTo(request(5, "resources/list")).path("result").path("resources")).isEmpty();
        assertThat(answerTo(request(6, "resources/templates/list")).path("result").path("resourceTemplates")).isEmpty();
        JsonNode call = answerTo(request(7, "tools/call"));
        assertThat(call.path("id").asInt()).isEqualTo(7);
        assertThat(call.path("error").path("code").asInt()).isEqualTo(Reason.UPSTREAM_UNAVAILABLE.jsonRpcCode());
        assertThat(call.path("error").path("message").asText())
                .isEqualTo("MCP server 'notes' is still connecting; try again in a moment");
        assertThat(call.path("error").path("data").path("reason").asText()).isEqualTo("upstream_unavailable");
        assertThat(call.path("error").path("data").path("server").asText()).isEqualTo("notes");

        upstream.countDown();
        attempt.join();
        assertThat(client.methods()).containsExactly("notifications/tools/list_changed");
    }

    @Test
    void offlineForASetUpProblemEvenTheListsGetTheError() throws Exception {
        channel.onInitialize(fails(new BridgeException(Reason.NOT_SET_UP, "No IdP is configured: run `xaa idp URL`")));
        session.begin(clientInitialize(1));
        UpstreamSession.await(session.connect(), Duration.ofSeconds(10));

        assertThat(answerTo(request(2, "ping")).get("result").isEmpty()).isTrue();
        JsonNode list = answerTo(request(3, "tools/list"));
        assertThat(list.path("error").path("code").asInt()).isEqualTo(Reason.NOT_SET_UP.jsonRpcCode());
        assertThat(list.path("error").path("message").asText()).isEqualTo("No IdP is configured: run `xaa idp URL`");
        assertThat(list.path("error").path("data").path("reason").asText()).isEqualTo("not_set_up");
    }

    @Test
    void offlineForAnUpstreamFailureListsAreEmptyAndCallsGetTheFailure() throws Exception {
        channel.onInitialize(fails(new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server 'notes' is unreachable")));
        session.begin(clientInitialize(1));
        UpstreamSession.await(session.connect(), Duration.ofSeconds(10));

        assertThat(answerTo(request(2, "tools/list")).path("result").path("tools")).isEmpty();
        JsonNode call = answerTo(request(3, "tools/call"));
        assertThat(call.path("error").path("message").asText()).isEqualTo("MCP server 'notes' is unreachable");
        assertThat(call.path("error").path("code").asInt()).isEqualTo(Reason.UPSTREAM_UNAVAILABLE.jsonRpcCode());
    }
}
