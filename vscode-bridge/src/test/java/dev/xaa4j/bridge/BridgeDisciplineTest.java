package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Timeout;

/**
 * The bridge never harms the server or the AI client (issue 8 item 5), against a scripted MCP server on
 * loopback: a GET stream the server refuses, messages past Jackson's default limits in both directions,
 * invalid JSON-RPC from the client, the order of stdin on the wire, a tool whose event stream stays silent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeDisciplineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** One more character than Jackson's default maximum string length (StreamReadConstraints). */
    private static final int BIG = 20_000_001;

    @StartStop
    private final MockWebServer server = new MockWebServer();

    /** Every POST and GET in the order the server read them: "METHOD json-rpc-method id" or "GET". */
    private final List<String> wire = new CopyOnWriteArrayList<>();
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private volatile int getStatus = 405;
    private volatile int sessions;

    private void script(Function<JsonNode, MockResponse> byRequest) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ("GET".equals(request.getMethod())) {
                    wire.add("GET");
                    return new MockResponse.Builder().code(getStatus).build();
                }
                if (!"POST".equals(request.getMethod())) {
                    return new MockResponse.Builder().code(200).build();
                }
                JsonNode body;
                try {
                    body = BridgeHarness.JSON.readTree(request.getBody().utf8());
                } catch (Exception e) {
                    return new MockResponse.Builder().code(400).build();
                }
                posted.add(body);
                String method = body.path("method").asText();
                JsonNode params = body.path("params");
                wire.add("POST " + method + " " + params.path("requestId").asText(params.path("progressToken").asText(body.path("id").asText())));
                if (method.startsWith("notifications/")) {
                    return new MockResponse.Builder().code(202).build();
                }
                if ("initialize".equals(method)) {
                    sessions++;
                    return json("{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id") + ",\"result\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"mock\",\"version\":\"1\"}}}")
                            .newBuilder().addHeader("Mcp-Session-Id", "s-" + sessions).build();
                }
                MockResponse scripted = byRequest.apply(body);
                return scripted != null ? scripted : json(result(body.get("id"), "ok"));
            }
        });
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static String result(JsonNode id, String text) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}}";
    }

    private BridgeHarness bridge(Duration requestTimeout) throws Exception {
        URI endpoint = server.url("/mcp").uri();
        return new BridgeHarness(BridgeSettings.defaults("mock", endpoint).withRequestTimeout(requestTimeout), new TestAuth("t"));
    }

    /** A handshaken bridge to a server that answers every GET (the SSE stream) {@code status}, after two GETs. */
    private BridgeHarness bridgeWhoseGetStreamIsRefused(int status) throws Exception {
        getStatus = status;
        script(r -> null);
        BridgeHarness b = bridge(WAIT);
        b.handshake();
        await().atMost(WAIT).until(() -> wire.stream().filter("GET"::equals).count() >= 2);
        return b;
    }

    private long initializes() {
        return wire.stream().filter(w -> w.startsWith("POST initialize")).count();
    }

    // ---- a GET stream the server refuses -------------------------------------------------------------------

    @Test
    void aGetStreamAnswered404CostsOneReinitializeAndThenTheSessionGoesOnWithoutIt() throws Exception {
        try (BridgeHarness b = bridgeWhoseGetStreamIsRefused(404)) {
            for (int id = 2; id <= 4; id++) {
                b.send(call(id, "x", "{}"));
                assertThat(StdioBridgeTest.text(b.awaitResponse(id, WAIT))).isEqualTo("ok");
            }
            assertThat(b.closeStdin(WAIT)).isZero();
        }
        assertThat(initializes()).as("one re-initialize after the first 404 on GET, never a loop: %s", wire).isEqualTo(2);
        assertThat(wire.stream().filter("GET"::equals).count()).as("a 404 on the new session's GET = no GET stream").isEqualTo(2);
    }

    @Test
    void aGetStreamRefusedWith400IsRetriedWithBackoffAndNeverReinitializes() throws Exception {
        try (BridgeHarness b = bridgeWhoseGetStreamIsRefused(400)) {
            b.send(call(2, "x", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("ok");
            assertThat(b.closeStdin(WAIT)).isZero();
        }
        assertThat(initializes()).isEqualTo(1);
    }

    // ---- message size -------------------------------------------------------------------------------------

    @Test
    void aResultLongerThanJacksonsDefaultStringLimitPassesInAJsonBodyAndInAnEventStream() throws Exception {
        String big = "x".repeat(BIG);
        script(r -> {
            String name = r.path("params").path("name").asText();
            if ("small".equals(name)) {
                return null;
            }
            String body = result(r.get("id"), big);
            return "sse".equals(name)
                    ? new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
                            .body("event: message\ndata: " + body + "\n\n").build()
                    : json(body);
        });
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            b.send(call(2, "json", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo(big);
            b.send(call(3, "sse", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(3, WAIT))).isEqualTo(big);
            b.send(call(4, "small", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(4, WAIT))).as("the session goes on").isEqualTo("ok");
        }
    }

    @Test
    void aRequestLongerThanJacksonsDefaultStringLimitReachesTheServerWhole() throws Exception {
        String big = "y".repeat(BIG);
        script(r -> null);
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            b.send(call(2, "store", "{\"text\":\"" + big + "\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("ok");
        }
        assertThat(posted).filteredOn(m -> m.path("id").asInt() == 2).singleElement()
                .satisfies(m -> assertThat(m.path("params").path("arguments").path("text").asText()).isEqualTo(big));
    }

    @Test
    void anAnswerOverTheMessageLimitAnswersThatIdWithAnErrorNamingTheLimitAndTheSessionGoesOn() throws Exception {
        String huge = "z".repeat(32 * 1024 * 1024 + 1); // the default limit (MessageLimit) is 32 MiB
        script(r -> {
            String name = r.path("params").path("name").asText();
            if (name.equals("huge-sse")) {
                return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
                        .body("event: message\ndata: " + result(r.get("id"), huge) + "\n\n").build();
            }
            return name.equals("huge-json") ? json(result(r.get("id"), huge)) : null;
        });
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            int id = 2;
            for (String tool : List.of("huge-sse", "huge-json")) {
                b.send(call(id, tool, "{}"));
                assertThat(b.awaitResponse(id, WAIT).path("error").path("message").asText())
                        .contains("larger than xaa's limit of 32 MiB per message");
                b.send(call(id + 1, "small", "{}"));
                assertThat(StdioBridgeTest.text(b.awaitResponse(id + 1, WAIT))).as("the session goes on").isEqualTo("ok");
                id += 2;
            }
        }
    }

    @Test
    void aRequestOverTheMessageLimitIsAnsweredWithItsIdAndNeverSent() throws Exception {
        String huge = "w".repeat(32 * 1024 * 1024 + 1);
        script(r -> null);
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            b.send(call(2, "store", "{\"text\":\"" + huge + "\"}"));
            JsonNode e = b.awaitResponse(2, WAIT);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(e.path("error").path("message").asText()).contains("limit of 32 MiB per message");
            b.send(call(3, "small", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(3, WAIT))).isEqualTo("ok");
            assertThat(b.closeStdin(WAIT)).isZero();
        }
        assertThat(posted).noneMatch(m -> m.path("id").asInt() == 2);
    }

    // ---- invalid JSON-RPC from the client -----------------------------------------------------------------

    @Test
    void invalidJsonRpcGetsOneInvalidRequestErrorAndIsNeverForwarded() throws Exception {
        List<String> invalid = List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":[7],\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"id\":20,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"1.0\",\"id\":21,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":5}",
                "{\"jsonrpc\":\"2.0\",\"id\":23,\"method\":\"tools/call\",\"params\":\"x\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":3}",
                "[]");
        script(r -> null);
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            invalid.forEach(b::send);
            b.send(call(100, "x", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(100, WAIT))).isEqualTo("ok");
            assertThat(b.closeStdin(WAIT)).isZero();
            List<JsonNode> out = new ArrayList<>();
            for (String line : b.rawLines) {
                out.add(BridgeHarness.JSON.readTree(line));
            }
            List<JsonNode> errors = out.stream().filter(m -> m.path("error").path("code").asInt() == -32600).toList();
            assertThat(errors).as("one -32600 per invalid line: %s", b.rawLines).hasSize(invalid.size());
            assertThat(errors).extracting(m -> m.get("id").toString())
                    .containsExactlyInAnyOrder("null", "null", "null", "null", "null", "20", "21", "22", "23", "null", "null");
            assertThat(out).as("nothing else answered").hasSize(invalid.size() + 3);
        }
        assertThat(wire).filteredOn(w -> w.startsWith("POST")).containsExactly("POST initialize xaa-bridge-initialize-1", "POST notifications/initialized ",
                "POST ping 1000", "POST tools/call 100");
    }

    // ---- order ----------------------------------------------------------------------------------------------

    @Test
    void stdinOrderIsKeptOnTheWireForARequestAndItsCancellation() throws Exception {
        script(r -> null);
        try (BridgeHarness b = bridge(WAIT)) {
            b.handshake();
            for (int id = 200; id < 220; id++) {
                b.send(call(id, "slow", "{}") + "\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                        + "\"params\":{\"requestId\":" + id + ",\"reason\":\"user\"}}\n"
                        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":" + id
                        + ",\"progress\":1}}");
            }
            await().atMost(WAIT).until(() -> wire.stream().filter(w -> w.startsWith("POST notifications/progress")).count() == 20);
        }
        List<String> order = wire.stream().filter(w -> w.matches("POST (tools/call|notifications/cancelled|notifications/progress) 2\\d\\d"))
                .toList();
        List<String> expected = new ArrayList<>();
        for (int id = 200; id < 220; id++) {
            expected.addAll(List.of("POST tools/call " + id, "POST notifications/cancelled " + id, "POST notifications/progress " + id));
        }
        assertThat(order).isEqualTo(expected);
    }

    // ---- a silent event stream ------------------------------------------------------------------------------

    @Test
    void aToolCallWhoseEventStreamHasStartedMayStaySilentLongerThanTheRequestTimeout() throws Exception {
        script(r -> "silent".equals(r.path("params").path("name").asText())
                ? new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
                        .bodyDelay(1500, TimeUnit.MILLISECONDS)
                        .body("event: message\ndata: " + result(r.get("id"), "done after a while") + "\n\n").build()
                : null);
        try (BridgeHarness b = bridge(Duration.ofMillis(500))) {
            b.handshake();
            b.send(call(2, "silent", "{}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("done after a while");
        }
    }
}
