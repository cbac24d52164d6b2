package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * Upstream faults a real server rarely produces on demand: 5xx, an HTML page, a slow answer, a 404 for a
 * forgotten session. The wire is scripted per JSON-RPC method; GET (the event stream) answers 405.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultInjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private final List<RecordedRequest> posts = new CopyOnWriteArrayList<>();

    private void script(Function<String, MockResponse> byMethod) {
        server.setDispatcher(new ScriptedMcpDispatcher(byMethod, (method, body) ->
                json(200, "{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id") + ",\"result\":"
                        + ("initialize".equals(method)
                        ? "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"mock\",\"version\":\"1\"}}"
                        : "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}") + "}")
                        .newBuilder().addHeader("Mcp-Session-Id", "s-" + sessions).build(), posts::add));
    }

    private volatile int sessions = 1;

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    /**
     * After the handshake, a tools/call (id 2) answers an upstream error (-32012) whose message contains
     * {@code message}, and the next request ({@code nextMethod}, id 3) is answered: the bridge keeps serving.
     */
    private static void assertCallFailsAndTheNextRequestIsServed(BridgeHarness b, String message, String nextMethod)
            throws Exception {
        b.handshake();
        b.send(call(2, "x", "{}"));
        JsonNode e = b.awaitResponse(2, WAIT);
        assertThat(e.path("error").path("code").asInt()).isEqualTo(-32012);
        assertThat(e.path("error").path("message").asText()).contains(message);
        b.send(BridgeHarness.request(3, nextMethod));
        assertThat(b.awaitResponse(3, WAIT).has("result")).isTrue();
    }

    private BridgeHarness bridge(Duration requestTimeout) throws Exception {
        URI endpoint = server.url("/mcp").uri();
        BridgeSettings settings = BridgeSettings.defaults("mock", endpoint).withRequestTimeout(requestTimeout);
        return new BridgeHarness(settings, new TestAuth("t"));
    }

    @Test
    void turnsA500IntoAJsonRpcErrorForThatRequestOnly() throws Exception {
        script(m -> m.equals("tools/call") ? new MockResponse.Builder().code(500).body("boom").build() : null);
        try (BridgeHarness b = bridge(WAIT)) {
            assertCallFailsAndTheNextRequestIsServed(b, "HTTP 500", "tools/list");
        }
    }

    @Test
    void explainsAnHtmlPageInsteadOfJson() throws Exception {
        script(m -> m.equals("tools/call") ? new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "text/html; charset=utf-8").body("<html>Sign in to the Wi-Fi</html>").build() : null);
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            JsonNode e = b.awaitResponse(2, WAIT);
            assertThat(e.path("error").path("message").asText()).contains("HTML page").doesNotContain("Wi-Fi");
        }
    }

    @Test
    void givesUpOnASlowAnswerWithAnErrorAndKeepsServing() throws Exception {
        script(m -> m.equals("tools/call") ? json(200, "{}").newBuilder().headersDelay(3, TimeUnit.SECONDS).build() : null);
        try (BridgeHarness b = bridge(Duration.ofMillis(500))) {
            assertCallFailsAndTheNextRequestIsServed(b, "no answer in time", "ping");
        }
    }

    @Test
    void reinitializesAndReplaysAfterA404ForTheSession() throws Exception {
        boolean[] lost = {false};
        script(m -> {
            if (m.equals("tools/call") && !lost[0]) {
                lost[0] = true;
                sessions = 2;
                return new MockResponse.Builder().code(404).build();
            }
            return null;
        });
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("ok");
        }
        List<String> wire = posts.stream().map(r -> {
            try {
                return BridgeHarness.JSON.readTree(r.getBody().utf8()).path("method").asText()
                        + "@" + r.getHeaders().get("Mcp-Session-Id");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(wire).containsExactly(
                "initialize@null", "notifications/initialized@s-1", "ping@s-1",
                "tools/call@s-1",
                "initialize@null", "notifications/initialized@s-2", "tools/call@s-2");
    }

    @Test
    void relaysAJsonRpcErrorBodyOfAnHttpErrorAsIs() throws Exception {
        script(m -> m.equals("tools/call")
                ? json(400, "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":\"Unknown tool: x\"}}") : null);
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            JsonNode e = b.awaitResponse(2, WAIT);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(e.path("error").path("message").asText()).isEqualTo("Unknown tool: x");
        }
    }

    @Test
    void aServerThatNowRefusesInitializeLosesItsCachedAnswer() throws Exception {
        URI endpoint = server.url("/mcp").uri();
        dev.xaa4j.bridge.proxy.InitializeCache cache = dev.xaa4j.bridge.proxy.InitializeCache.in(cacheDir);
        cache.remember(endpoint, "2025-06-18", BridgeHarness.JSON.readTree("{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"mock\",\"version\":\"0\"}}"));
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!"POST".equals(request.getMethod())) {
                    return new MockResponse.Builder().code(405).build();
                }
                try {
                    JsonNode body = BridgeHarness.JSON.readTree(request.getBody().utf8());
                    return json(200, "{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id") + ",\"error\":{\"code\":-32602,"
                            + "\"message\":\"Unsupported protocol version\"}}");
                } catch (Exception e) {
                    return new MockResponse.Builder().code(400).build();
                }
            }
        });
        try (BridgeHarness b = new BridgeHarness(BridgeSettings.defaults("mock", endpoint).withRequestTimeout(WAIT),
                new TestAuth("t"), cache)) {
            b.send(BridgeHarness.initialize(1));
            assertThat(b.awaitResponse(1, WAIT).path("result").path("serverInfo").path("version").asText()).isEqualTo("0");
            org.awaitility.Awaitility.await("the refusal drops the entry").atMost(WAIT)
                    .until(() -> cache.lookup(endpoint, "2025-06-18").isEmpty());
            b.send(call(2, "echo", "{}"));
            assertThat(b.awaitResponse(2, WAIT).path("error").path("message").asText()).contains("refused initialize");
        }
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path cacheDir;
}
