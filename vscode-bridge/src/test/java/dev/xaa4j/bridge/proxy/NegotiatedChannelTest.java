package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.bridge.BridgeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport choice (MCP "Transports" §Backwards Compatibility) against a stub server on loopback that
 * answers the first POST with a chosen status and, on GET, speaks the HTTP+SSE transport of 2024-11-05.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NegotiatedChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final HttpServer server;
    /** "METHOD path" of every request, in order. */
    private final List<String> wire = new CopyOnWriteArrayList<>();
    /** The events for the newest GET stream to send ("" ends it). */
    private volatile BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<JsonNode> toClient = new CopyOnWriteArrayList<>();
    private volatile int postStatus;
    private NegotiatedChannel channel;

    NegotiatedChannelTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mcp", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        events.add(""); // ends an open event stream
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        wire.add(exchange.getRequestMethod() + " " + path);
        byte[] body = exchange.getRequestBody().readAllBytes();
        if ("GET".equals(exchange.getRequestMethod())) {
            BlockingQueue<String> mine = new LinkedBlockingQueue<>();
            events = mine;
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("event: endpoint\ndata: /mcp/message?sessionId=s1\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                String event;
                while (!(event = mine.take()).isEmpty()) {
                    out.write(("event: message\ndata: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (InterruptedException | IOException e) {
                // the client dropped the stream
            }
            return;
        }
        JsonNode m = JSON.readTree(body);
        if (path.equals("/mcp/message")) { // HTTP+SSE: accepted here, answered on the stream
            if (m.has("id") && m.has("method")) {
                if ("tools/call".equals(m.get("method").asText())) {
                    events.add("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}");
                }
                events.add("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{\"protocolVersion\":\"2024-11-05\","
                        + "\"serverInfo\":{\"name\":\"old\",\"version\":\"1\"},\"capabilities\":{}}}");
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        if (postStatus != 200) {
            exchange.sendResponseHeaders(postStatus, -1);
            exchange.close();
            return;
        }
        byte[] answer = ("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{\"protocolVersion\":\"2025-06-18\","
                + "\"serverInfo\":{\"name\":\"new\",\"version\":\"1\"},\"capabilities\":{}}}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Mcp-Session-Id", "session-1");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private NegotiatedChannel channel() {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
        channel = NegotiatedChannel.to(BridgeSettings.defaults("stub", endpoint), UpstreamAuth.none(),
                MessageLimit.mapper(), toClient::add);
        return channel;
    }

    private static ObjectNode initialize(String id) throws IOException {
        return (ObjectNode) JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void aServerThatRejectsTheFirstPostWithThisStatusIsSpokenToOverHttpPlusSse(int status) throws Exception {
        postStatus = status;
        NegotiatedChannel c = channel();

        JsonNode answer = c.initialize(initialize("i1"), WAIT);

        assertThat(answer.path("result").path("serverInfo").path("name").asText()).isEqualTo("old");
        assertThat(c.legacy()).isTrue();
        assertThat(c.sessionId()).isEmpty();
        assertThat(wire).containsExactly("POST /mcp", "GET /mcp", "POST /mcp/message");

        JsonNode call = JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}");
        assertThat(c.request(call, WAIT, () -> { }, () -> { })).isTrue();
        assertThat(toClient).extracting(m -> m.has("method") ? m.get("method").asText() : "answer " + m.get("id"))
                .containsExactly("notifications/progress", "answer 5");

        c.initialize(initialize("i2"), WAIT);
        assertThat(wire).as("the choice holds for every later session: no second Streamable HTTP probe")
                .containsExactly("POST /mcp", "GET /mcp", "POST /mcp/message", "POST /mcp/message", "GET /mcp",
                        "POST /mcp/message");
    }

    @Test
    void aServerThatAnswersThePostIsSpokenToOverStreamableHttp() throws Exception {
        postStatus = 200;
        NegotiatedChannel c = channel();

        JsonNode answer = c.initialize(initialize("i1"), WAIT);

        assertThat(answer.path("result").path("serverInfo").path("name").asText()).isEqualTo("new");
        assertThat(c.legacy()).isFalse();
        assertThat(c.sessionId()).contains("session-1");
        assertThat(wire).containsExactly("POST /mcp");
    }

    @Test
    void anyOtherRefusalOfThePostIsAnErrorNotAFallback() throws Exception {
        postStatus = 400;
        NegotiatedChannel c = channel();

        assertThatThrownBy(() -> c.initialize(initialize("i1"), WAIT)).isInstanceOf(BridgeException.class)
                .hasMessageContaining("answered HTTP 400");
        assertThat(c.legacy()).isFalse();
        assertThat(wire).containsExactly("POST /mcp");
    }

    @Test
    void anEndedHttpPlusSseStreamIsALostSession() throws Exception {
        postStatus = 405;
        NegotiatedChannel c = channel();
        c.initialize(initialize("i1"), WAIT);

        events.add(""); // the server ends the stream
        await().atMost(WAIT).until(() -> !((LegacySseChannel) c.chosen()).isOpen());
        JsonNode call = JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\"}");
        assertThatThrownBy(() -> c.request(call, WAIT, () -> { }, () -> { })).isInstanceOf(SessionLostException.class);
    }
}
