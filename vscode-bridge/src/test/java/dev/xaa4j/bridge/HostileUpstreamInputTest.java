package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import java.time.Duration;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inputs found by fuzzing the bridge's parsers ({@code proxy.BridgeInputFuzzTest}), replayed end to end: the
 * bridge in-process on pipes, the MCP server a stub on loopback. Each one used to leave a request unanswered.
 */
@Timeout(60)
class HostileUpstreamInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private void script(Function<String, MockResponse> byMethod) {
        server.setDispatcher(new ScriptedMcpDispatcher(byMethod, (method, body) -> new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "application/json").addHeader("Mcp-Session-Id", "s-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id") + ",\"result\":" + ("initialize".equals(method)
                        ? "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"stub\",\"version\":\"1\"}}"
                        : "{}") + "}").build(), request -> { }));
    }

    private BridgeHarness bridge() throws Exception {
        return new BridgeHarness(BridgeSettings.defaults("stub", server.url("/mcp").uri()).withRequestTimeout(WAIT),
                new TestAuth("t"));
    }

    @Test
    void aForbiddenAnswerWithAHugeQuotedChallengeIsReportedAsAccessDenied() throws Exception {
        // a few kilobytes: well inside the HTTP client's header line limit (8 KiB)
        script(m -> m.equals("tools/call") ? new MockResponse.Builder().code(403)
                .addHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", error_description=\""
                        + "x".repeat(4_000) + "\"").build() : null);
        try (BridgeHarness b = bridge()) {
            b.handshake();
            b.send(call(2, "x", "{}"));
            JsonNode e = b.awaitResponse(2, WAIT);
            assertThat(e.path("error").path("message").asText()).contains("HTTP 403");
            b.send(BridgeHarness.request(3, "ping"));
            assertThat(b.awaitResponse(3, WAIT).has("result")).isTrue();
        }
    }

    @Test
    void aRequestWhoseNumericIdOverflowsADoubleIsAnsweredInvalidOnceAndTheSessionGoesOn() throws Exception {
        // 1e400 is not an integer (MCP ids are strings or integers): -32600, never forwarded; its cancellation with
        // another overflowing id is dropped without harm
        script(m -> m.equals("tools/call") ? new MockResponse.Builder().code(500).body("boom").build() : null);
        try (BridgeHarness b = bridge()) {
            b.handshake();
            b.send("{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{}}}");
            b.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":-1e400}}");
            JsonNode e = b.await(m -> m.has("error") && !m.path("id").isInt(), WAIT);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(e.path("error").path("message").asText()).contains("\"id\" must be a string or an integer");
            b.send(BridgeHarness.request(3, "ping"));
            assertThat(b.awaitResponse(3, WAIT).has("result")).isTrue();
        }
    }
}
