package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static dev.xaa4j.bridge.BridgeHarness.initialize;
import static dev.xaa4j.bridge.BridgeHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bridge in-process against a real MCP server (SDK servlet transport on Jetty). */
class StdioBridgeTest extends TestMcpServerPerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);


    private BridgeHarness bridge(TestAuth auth) throws Exception {
        return new BridgeHarness(BridgeHarness.fast("notes", server.endpoint()), auth);
    }

    @Test
    void relaysInitializeToolsListAndToolsCallFromTheRealServer() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            server.validTokens.add("t");
            JsonNode init = b.handshake();
            assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");

            b.send(request(2, "tools/list"));
            JsonNode tools = b.awaitResponse(2, WAIT);
            assertThat(tools.path("result").path("tools").findValuesAsText("name"))
                    .contains("echo", "sample", "elicit", "roots", "progress", "slow");

            b.send(call(3, "echo", "{\"text\":\"hi\"}"));
            assertThat(text(b.awaitResponse(3, WAIT))).isEqualTo("echo: hi");
        }
    }

    @Test
    void sendsTheTokenOnEveryRequestAndTheSessionHeadersAfterInitialize() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            server.validTokens.add("t");
            b.handshake();
            b.send(call(2, "echo", "{\"text\":\"x\"}"));
            b.awaitResponse(2, WAIT);
            assertThat(b.closeStdin(WAIT)).isZero();
        }
        assertThat(server.seen).allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer t"));
        assertThat(server.seen.subList(1, server.seen.size())).allSatisfy(s -> {
            assertThat(s.sessionId()).isNotBlank();
            assertThat(s.protocolVersion()).isEqualTo("2025-06-18");
        });
        assertThat(server.count("DELETE")).as("stdin EOF ends the session").isEqualTo(1);
    }

    @Test
    void relaysASamplingRequestToTheClientAndItsAnswerBack() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.handshake();
            assertThat(callAnsweringTheServersRequest(b, 2, "sample", "{\"prompt\":\"say hi\"}", "sampling/createMessage",
                    sampling -> assertThat(sampling.path("params").path("messages").get(0).path("content").path("text")
                            .asText()).isEqualTo("say hi"),
                    "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"hi!\"},\"model\":\"test-model\","
                            + "\"stopReason\":\"endTurn\"}")).isEqualTo("model said: hi!");
        }
    }

    @Test
    void relaysElicitationAndRootsRequests() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.handshake();
            assertThat(callAnsweringTheServersRequest(b, 2, "elicit", "{}", "elicitation/create", request -> { },
                    "{\"action\":\"accept\",\"content\":{\"name\":\"alice\"}}")).isEqualTo("user accept: {name=alice}");
            assertThat(callAnsweringTheServersRequest(b, 3, "roots", "{}", "roots/list", request -> { },
                    "{\"roots\":[{\"uri\":\"file:///a\"},{\"uri\":\"file:///b\"}]}")).isEqualTo("roots: 2");
        }
    }

    @Test
    void relaysProgressNotificationsBeforeTheResult() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.handshake();
            b.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"progress\",\"arguments\":{},"
                    + "\"_meta\":{\"progressToken\":\"p1\"}}}");
            for (int i = 1; i <= 3; i++) {
                JsonNode p = b.await(m -> "notifications/progress".equals(m.path("method").asText()), WAIT);
                assertThat(p.path("params").path("progressToken").asText()).isEqualTo("p1");
                assertThat(p.path("params").path("progress").asInt()).isEqualTo(i);
            }
            assertThat(text(b.awaitResponse(2, WAIT))).isEqualTo("done");
        }
    }

    @Test
    void answersInitializeWithinOneSecondWhileSignedOutThenAnnouncesToolsOnceSignedIn() throws Exception {
        server.validTokens.add("t");
        TestAuth auth = TestAuth.signedOut();
        // an initialize budget far beyond WAIT: a bridge that waited on it while signed out would fail the await
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("notes", server.endpoint())
                .withInitializeBudget(Duration.ofMinutes(10)), auth)) {
            b.send(initialize(1));
            JsonNode init = b.awaitResponse(1, WAIT);
            assertThat(init.path("result").path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
            assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("xaa-bridge");
            b.send(BridgeHarness.initialized());

            b.send(request(2, "tools/list"));
            assertThat(b.awaitResponse(2, WAIT).path("result").path("tools").size()).isZero();
            b.send(call(3, "echo", "{\"text\":\"x\"}"));
            JsonNode denied = b.awaitResponse(3, WAIT);
            assertThat(denied.path("error").path("code").asInt()).isEqualTo(-32010);
            assertThat(denied.path("error").path("message").asText()).contains("sign in with the tray app", "xaa login");

            auth.signIn("t");
            b.await(m -> "notifications/tools/list_changed".equals(m.path("method").asText()), WAIT);
            b.send(request(4, "tools/list"));
            assertThat(b.awaitResponse(4, WAIT).path("result").path("tools").size()).isEqualTo(6);
            b.send(call(5, "echo", "{\"text\":\"now\"}"));
            assertThat(text(b.awaitResponse(5, WAIT))).isEqualTo("echo: now");
        }
        assertThat(server.seen.stream().filter(s -> s.method().equals("POST")).findFirst().orElseThrow().authorization())
                .isEqualTo("Bearer t");
    }

    @Test
    void answersMalformedLinesWithParseErrorAndKeepsRunning() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.send("this is not json");
            JsonNode e = b.next(WAIT);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32700);
            assertThat(e.get("id").isNull()).isTrue();
            b.send("{\"jsonrpc\":\"2.0\",\"id\":9}");
            assertThat(b.next(WAIT).path("error").path("code").asInt()).isEqualTo(-32600);
            b.send("{\"a\":1} trailing");
            assertThat(b.next(WAIT).path("error").path("code").asInt()).isEqualTo(-32700);
            assertThat(b.running()).isTrue();
            b.handshake();
            b.send(call(2, "echo", "{\"text\":\"still here\"}"));
            assertThat(text(b.awaitResponse(2, WAIT))).isEqualTo("echo: still here");
        }
    }

    @Test
    void reportsUpstreamDownAsJsonRpcErrorsAndExitsZeroOnEof() throws Exception {
        URI nowhere;
        try (ServerSocket s = new ServerSocket(0)) {
            nowhere = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/mcp");
        }
        // an initialize budget far beyond WAIT: a bridge that waited on it for a refused connection would fail the await
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("down", nowhere).withInitializeBudget(Duration.ofMinutes(10)),
                new TestAuth("t"))) {
            b.send(initialize(1));
            assertThat(b.awaitResponse(1, WAIT).path("result").path("serverInfo").path("name").asText())
                    .isEqualTo("xaa-bridge");
            b.send(BridgeHarness.initialized());
            b.send(call(2, "echo", "{}"));
            JsonNode e = b.awaitResponse(2, WAIT);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32012);
            assertThat(e.path("error").path("message").asText()).contains("unreachable", "connection refused");
            assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("upstream_unavailable");
            assertThat(b.running()).isTrue();
            assertThat(b.closeStdin(WAIT)).isZero();
        }
    }

    @Test
    void renewsTheTokenOnceOn401AndReplays() throws Exception {
        server.validTokens.add("fresh");
        TestAuth auth = new TestAuth("stale");
        auth.tokenAfterRenewal = "fresh";
        assertEchoes(auth, "ok");
        assertThat(auth.unauthorizedCalls).hasValue(1);
    }

    @Test
    void reportsARevokedTokenAsAccessDeniedAfterOneRenewal() throws Exception {
        TestAuth auth = new TestAuth("t");
        JsonNode e = echoRefusedAsAccessDenied(auth, () -> {
            server.validTokens.clear();
            server.validTokens.add("something-else");
        }, 2, "the request and one replay");
        assertThat(e.path("error").path("message").asText()).contains("401", "revoked").doesNotContain("Bearer");
        assertThat(auth.unauthorizedCalls.get()).isPositive();
    }

    @Test
    void stepsUpOnceOn403InsufficientScope() throws Exception {
        assertStepsUpOnce();
    }

    /**
     * The bridge reads every {@code WWW-Authenticate} field of a 403 (RFC 9110 §11.6.1): a Bearer
     * {@code insufficient_scope} challenge after a Basic one, with an unquoted error, still steps up (RFC 6750 §3.1).
     */
    @Test
    @Timeout(60)
    void stepsUpWithTheBearerChallengeOfASecondHeaderFieldAfterABasicOne() throws Exception {
        server.basicChallengeFirst = true;
        assertStepsUpOnce();
    }

    /** A read-only token; one step-up (to notes:read notes:write) gets the token the echo call is accepted with. */
    private void assertStepsUpOnce() throws Exception {
        server.readOnlyTokens.add("read");
        server.validTokens.add("write");
        TestAuth auth = new TestAuth("read");
        auth.tokenAfterStepUp = "write";
        assertEchoes(auth, "w");
        assertThat(auth.stepUpScopes).containsExactly("notes:read notes:write");
    }

    @Test
    void reportsInsufficientScopeAsAccessDeniedWhenStepUpIsRefused() throws Exception {
        TestAuth auth = new TestAuth("t");
        JsonNode e = echoRefusedAsAccessDenied(auth, () -> server.readOnlyTokens.add("t"), 1,
                "refused step-up: no replay");
        assertThat(e.path("error").path("message").asText()).contains("403", "notes:read notes:write");
        assertThat(auth.stepUpScopes).isNotEmpty().containsOnly("notes:read notes:write");
    }

    @Test
    void startsANewSessionTransparentlyWhenTheServerForgetsIt() throws Exception {
        server.validTokens.add("t");
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.handshake();
            b.send(call(2, "echo", "{\"text\":\"before\"}"));
            assertThat(text(b.awaitResponse(2, WAIT))).isEqualTo("echo: before");
            String firstSession = server.seen.get(server.seen.size() - 1).sessionId();

            int port = server.port();
            server.close(); // a redeploy: every session is gone
            server = TestMcpServer.start(port);
            server.validTokens.add("t");

            b.send(call(3, "echo", "{\"text\":\"after\"}"));
            assertThat(text(b.awaitResponse(3, WAIT))).isEqualTo("echo: after");
            assertThat(server.seen).anySatisfy(s -> assertThat(s.sessionId()).isNotNull().isNotEqualTo(firstSession));
        }
    }

    @Test
    void splitsBatchesAndAnswersEachMessage() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.handshake();
            b.send("[" + call(2, "echo", "{\"text\":\"a\"}") + "," + call(3, "echo", "{\"text\":\"b\"}") + "]");
            JsonNode first = b.await(m -> m.has("result") && m.path("id").asInt() >= 2, WAIT);
            JsonNode second = b.await(m -> m.has("result") && m.path("id").asInt() >= 2, WAIT);
            assertThat(java.util.List.of(first, second)).extracting(StdioBridgeTest::text)
                    .containsExactlyInAnyOrder("echo: a", "echo: b");
        }
    }

    @Test
    void pingIsAnsweredBeforeInitializeAndOtherRequestsAreRefused() throws Exception {
        try (BridgeHarness b = bridge(new TestAuth("t"))) {
            b.send(request(1, "ping"));
            assertThat(b.awaitResponse(1, WAIT).path("result").isObject()).isTrue();
            b.send(request(2, "tools/list"));
            assertThat(b.awaitResponse(2, WAIT).path("error").path("code").asInt()).isEqualTo(-32600);
        }
    }

    /**
     * Calls {@code tool} as request {@code id}; the server's {@code method} request the bridge relays to us is
     * checked by {@code checkRequest} and answered with {@code resultJson}; returns the tool's text.
     */
    private static String callAnsweringTheServersRequest(BridgeHarness b, int id, String tool, String arguments,
                                                         String method, java.util.function.Consumer<JsonNode> checkRequest,
                                                         String resultJson) throws Exception {
        b.send(call(id, tool, arguments));
        JsonNode request = b.awaitRequest(method, WAIT);
        checkRequest.accept(request);
        b.send("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + resultJson + "}");
        return text(b.awaitResponse(id, WAIT));
    }

    /** Through a bridge using {@code auth}: the handshake reaches test-notes and an echo of {@code text} comes back. */
    private void assertEchoes(TestAuth auth, String text) throws Exception {
        try (BridgeHarness b = bridge(auth)) {
            assertThat(b.handshake().path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");
            b.send(call(2, "echo", "{\"text\":\"" + text + "\"}"));
            assertThat(text(b.awaitResponse(2, WAIT))).isEqualTo("echo: " + text);
        }
    }

    /**
     * Through a bridge using {@code auth} (token {@code t}, valid until {@code serverChange} runs after the
     * handshake), an echo call (id 2) is answered with a JSON-RPC access-denied error (-32011) after
     * {@code posts} POSTs ({@code why}); returns that answer.
     */
    private JsonNode echoRefusedAsAccessDenied(TestAuth auth, Runnable serverChange, int posts, String why)
            throws Exception {
        server.validTokens.add("t");
        try (BridgeHarness b = bridge(auth)) {
            b.handshake();
            serverChange.run();
            long postsBefore = server.count("POST");
            b.send(call(2, "echo", "{}"));
            JsonNode e = b.awaitResponse(2, WAIT);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32011);
            assertThat(server.count("POST") - postsBefore).as(why).isEqualTo(posts);
            return e;
        }
    }

    static String text(JsonNode response) {
        JsonNode content = response.path("result").path("content");
        assertThat(content.isArray()).as("a tool result: %s", response).isTrue();
        return content.get(0).path("text").asText();
    }

    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) BridgeHarness.JSON.readTree(json);
    }
}
