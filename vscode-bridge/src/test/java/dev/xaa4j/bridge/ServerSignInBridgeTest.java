package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static dev.xaa4j.bridge.BridgeHarness.initialize;
import static dev.xaa4j.bridge.BridgeHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.connector.AuthMode;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 item 3 in the bridge: a plain-OAuth server without a grant is answered with the actionable
 * {@code server_sign_in_required} error (never a browser), {@code initialize} locally; once the token exists the
 * bridge connects and sends {@code notifications/tools/list_changed} once. A server that takes no token gets its
 * requests without {@code Authorization}.
 */
@Timeout(60)
class ServerSignInBridgeTest extends TestMcpServerPerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RepeatedTest(5)
    void withoutAGrantToolCallsSaySignInToTheServerAndTheToolsComeOnceTheTokenExists() throws Exception {
        server.validTokens.add("wiki-token");
        PerServerTokenSource source = new PerServerTokenSource("wiki", AuthMode.OAUTH);
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("wiki", server.endpoint()), new TokenSourceAuth(source, true))) {
            b.send(initialize(1));
            JsonNode init = b.awaitResponse(1, WAIT);
            assertThat(init.path("result").path("serverInfo").path("name").asText()).as("answered locally").isEqualTo("xaa-bridge");
            assertThat(init.path("result").path("instructions").asText()).as("the client can tell the person")
                    .contains("Sign in to wiki", "`xaa login wiki`", "once you have signed in");
            b.send(BridgeHarness.initialized());

            b.send(request(2, "tools/list"));
            assertThat(b.awaitResponse(2, WAIT).path("result").path("tools").size()).isZero();
            b.send(call(3, "echo", "{\"text\":\"x\"}"));
            JsonNode error = b.awaitResponse(3, WAIT).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(-32016);
            assertThat(error.path("message").asText()).isEqualTo("Sign in to wiki: choose 'Sign in to wiki' in the xaa tray, "
                    + "or run `xaa login wiki` in a terminal");
            assertThat(error.path("data").path("reason").asText()).isEqualTo("server_sign_in_required");
            assertThat(error.path("data").path("server").asText()).isEqualTo("wiki");
            assertThat(server.count("POST")).as("nothing reached the server without a token").isZero();

            source.grant("wiki-token");
            b.await(m -> "notifications/tools/list_changed".equals(m.path("method").asText()), WAIT);
            b.send(call(4, "echo", "{\"text\":\"now\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(4, WAIT))).isEqualTo("echo: now");
            b.send(request(5, "ping"));
            b.awaitResponse(5, WAIT);
            assertThat(b.rawLines.stream().filter(l -> l.contains("\"method\":\"notifications/tools/list_changed\""))).as("once").hasSize(1);
            assertThat(b.rawLines).noneMatch(l -> l.contains("wiki-token"));
        }
        assertThat(server.seen).filteredOn(s -> s.method().equals("POST"))
                .allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer wiki-token"));
    }

    @Test
    void aServerThatTakesNoTokenGetsRequestsWithoutAuthorization() throws Exception {
        PerServerTokenSource source = new PerServerTokenSource("open", AuthMode.NONE);
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("open", server.endpoint()), new TokenSourceAuth(source, true))) {
            b.handshake();
            b.send(call(2, "echo", "{\"text\":\"hi\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("echo: hi");
        }
        assertThat(server.seen).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isNull());
        assertThat(source.tokenCalls.get()).as("the engine was asked").isPositive();
        assertThat(source.invalidated).as("no 401: nothing to decide again").isEmpty();
    }

    @Test
    void aServerThatTakesNoTokenAndLaterAnswers401IsHandedBackToTheEngineToDecideAgain() throws Exception {
        PerServerTokenSource source = new PerServerTokenSource("open", AuthMode.NONE);
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("open", server.endpoint()), new TokenSourceAuth(source, true))) {
            b.handshake();
            server.validTokens.add("now-protected"); // from now on the server wants a token
            b.send(call(2, "echo", "{\"text\":\"hi\"}"));
            assertThat(b.awaitResponse(2, WAIT).has("error")).isTrue();
        }
        assertThat(source.invalidated).as("the refused request without a token was reported").contains("");
        assertThat(source.tokenCalls.get()).as("and the engine asked again before the replay").isGreaterThan(1);
    }

    /** MCP authorization: a 401's challenge restarts discovery from its resource_metadata, with its scope. */
    @Test
    void the401sResourceMetadataAndScopeReachTheEngine() throws Exception {
        PerServerTokenSource source = callAfterThe401Challenges(
                "Basic realm=\"x\", Bearer scope=\"mcp:basic  mcp:read\", resource_metadata=\"https://mcp.example/prm\"");
        assertThat(source.challenges).first().isEqualTo("https://mcp.example/prm mcp:basic,mcp:read");
    }

    @Test
    void a401WithoutAChallengeStillReachesTheEngine() throws Exception {
        PerServerTokenSource source = callAfterThe401Challenges("Bearer resource_metadata=\"not a uri\"");
        assertThat(source.challenges).first().as("a malformed URL is dropped, not thrown").isEqualTo("- ");
        assertThat(source.invalidated).contains("");
    }

    /** A server taken for unprotected answers a tool call 401 with {@code challenge}: what reached the engine. */
    private PerServerTokenSource callAfterThe401Challenges(String challenge) throws Exception {
        PerServerTokenSource source = new PerServerTokenSource("open", AuthMode.NONE);
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("open", server.endpoint()), new TokenSourceAuth(source, true))) {
            b.handshake();
            server.validTokens.add("now-protected");
            server.challenge401 = challenge;
            b.send(call(2, "echo", "{\"text\":\"hi\"}"));
            b.awaitResponse(2, WAIT);
        }
        return source;
    }
}
