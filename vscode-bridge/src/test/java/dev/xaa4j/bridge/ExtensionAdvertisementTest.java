package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.connector.AuthMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * SEP-2133 capability advertisement (docs/protocol.md): the initialize the bridge sends upstream declares
 * {@code io.modelcontextprotocol/enterprise-managed-authorization} for a server whose flow is EMA, keeping every
 * capability and extension the AI client declared on stdin; a server of another flow gets the client's
 * initialize unchanged. The upstream is a recording scripted server.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExtensionAdvertisementTest {

    private static final String EMA = "io.modelcontextprotocol/enterprise-managed-authorization";
    private static final String CLIENT_INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"roots\":{\"listChanged\":true},"
            + "\"extensions\":{\"com.example/ui\":{\"theme\":\"dark\"}}},\"clientInfo\":{\"name\":\"ai\",\"version\":\"1\"}}}";

    @StartStop
    private final MockWebServer server = new MockWebServer();
    private final List<RecordedRequest> posts = new CopyOnWriteArrayList<>();

    /** The capabilities of the initialize that reached the server when the bridge fronts a server of {@code flow}. */
    private JsonNode upstreamCapabilities(AuthMode flow) throws Exception {
        server.setDispatcher(new ScriptedMcpDispatcher(m -> null, (method, body) -> new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "application/json").body("{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id")
                        + ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"serverInfo\":{\"name\":\"m\",\"version\":\"1\"}}}")
                .build(), posts::add));
        PerServerTokenSource tokens = new PerServerTokenSource("notes", flow);
        tokens.grant("at-1");
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("notes", server.url("/mcp").uri()),
                new TokenSourceAuth(tokens, false))) {
            b.send(CLIENT_INITIALIZE);
            assertThat(b.awaitResponse(1, Duration.ofSeconds(10)).has("result")).isTrue();
        }
        JsonNode init = posts.stream().map(r -> read(r.getBody().utf8()))
                .filter(j -> "initialize".equals(j.path("method").asText())).findFirst().orElseThrow();
        return init.path("params").path("capabilities");
    }

    private static JsonNode read(String json) {
        try {
            return BridgeHarness.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEmaServerHearsOurExtensionNextToTheClientsOwn() throws Exception {
        JsonNode capabilities = upstreamCapabilities(AuthMode.EMA);
        assertThat(capabilities.path("extensions").path(EMA).isObject()).isTrue();
        assertThat(capabilities.path("extensions").path(EMA).size()).isZero();
        assertThat(capabilities.path("extensions").path("com.example/ui").path("theme").asText()).isEqualTo("dark");
        assertThat(capabilities.path("roots").path("listChanged").asBoolean()).isTrue();
    }

    @Test
    void aServerOfAnotherFlowGetsTheClientsCapabilitiesUnchanged() throws Exception {
        JsonNode capabilities = upstreamCapabilities(AuthMode.OAUTH);
        assertThat(capabilities).isEqualTo(read(CLIENT_INITIALIZE).path("params").path("capabilities"));
    }
}
