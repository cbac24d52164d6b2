package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.BridgeHarness.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge reads every {@code WWW-Authenticate} field of a 403 (RFC 9110 §11.6.1): a Bearer
 * {@code insufficient_scope} challenge after a Basic one, with an unquoted error, still steps up (RFC 6750 §3.1).
 */
@Timeout(60)
class ChallengeStepUpTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private TestMcpServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestMcpServer.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void stepsUpWithTheBearerChallengeOfASecondHeaderFieldAfterABasicOne() throws Exception {
        server.basicChallengeFirst = true;
        server.readOnlyTokens.add("read");
        server.validTokens.add("write");
        TestAuth auth = new TestAuth("read");
        auth.tokenAfterStepUp = "write";
        try (BridgeHarness b = new BridgeHarness(BridgeHarness.fast("notes", server.endpoint()), auth)) {
            assertThat(b.handshake().path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");
            b.send(call(2, "echo", "{\"text\":\"w\"}"));
            assertThat(StdioBridgeTest.text(b.awaitResponse(2, WAIT))).isEqualTo("echo: w");
        }
        assertThat(auth.stepUpScopes).containsExactly("notes:read notes:write");
    }
}
