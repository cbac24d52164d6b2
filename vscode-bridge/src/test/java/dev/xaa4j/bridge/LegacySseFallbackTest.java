package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static dev.xaa4j.bridge.BridgeHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A server that only speaks the HTTP+SSE transport of MCP 2024-11-05: the bridge falls back to it. */
class LegacySseFallbackTest extends TestMcpServerPerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    TestMcpServer newServer() throws Exception {
        return TestMcpServer.startLegacy();
    }

    @Test
    void fallsBackToHttpPlusSseAndRelaysEveryMessageKind() throws Exception {
        server.validTokens.add("t");
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("legacy", server.endpoint())
                .withInitializeBudget(Duration.ofSeconds(5)), new TestAuth("t"))) {
            JsonNode init = b.handshake();
            assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("test-legacy");

            b.send(request(2, "tools/list"));
            assertThat(b.awaitResponse(2, WAIT).path("result").path("tools").findValuesAsText("name")).contains("echo");
            b.send(call(3, "echo", "{\"text\":\"old\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(3, WAIT))).isEqualTo("echo: old");

            b.send(call(4, "sample", "{\"prompt\":\"p\"}"));
            JsonNode sampling = b.awaitRequest("sampling/createMessage", WAIT);
            b.send("{\"jsonrpc\":\"2.0\",\"id\":" + sampling.get("id") + ",\"result\":{\"role\":\"assistant\","
                    + "\"content\":{\"type\":\"text\",\"text\":\"yes\"},\"model\":\"m\"}}");
            assertThat(StdioBridgeTest.text(b.awaitResponse(4, WAIT))).isEqualTo("model said: yes");
        }
        assertThat(server.seen).allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer t"));
    }
}
