package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bridge whose user is signed out (the sample issuer over real HTTP, the OS keyring of {@code .ci/with-keyring}):
 * the failure is "run `xaa login`", which no retry clears — the session watch brings the bridge back after a
 * sign-in. So it is said once on stderr, never as an "offline … retrying in 1 s / 2 s / 4 s" loop.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BridgeSignedOutTest extends KeyringIssuer {

    @Test
    void aSignedOutBridgeSaysRunXaaLoginOnceAndDoesNotRetryOnATimer() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("signed-out"));
        ok(xaa.run("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        ok(KeyringWrites.retry(() -> xaa.run("xaa-desktop-demo-secret\n", Map.of(), "secret", "set", "idp-client-secret")));
        ok(xaa.run("server", "add", "notes", issuer.server("notes").toString(), "--as-client-id", "xaa-desktop-mcp"));

        CommandRun bridge = xaa.run(BridgeHarness.initialize(1) + "\n" + BridgeHarness.initialized() + "\n"
                + BridgeHarness.request(2, "tools/list") + "\n" + BridgeHarness.call(3, "echo", "{}") + "\n"
                + BridgeHarness.call(4, "echo", "{}") + "\n", Map.of(), "bridge", "notes", "--no-initialize-cache");
        ok(bridge);
        Map<Integer, JsonNode> answers = new TreeMap<>(); // requests run in parallel: answers come in any order
        for (String line : bridge.out().lines().toList()) {
            if (line.startsWith("{")) {
                JsonNode m = BridgeHarness.JSON.readTree(line);
                answers.put(m.path("id").asInt(), m);
            }
        }
        assertThat(answers.keySet()).as(bridge.out()).containsExactly(1, 2, 3, 4);
        assertThat(answers.get(2).path("result").path("tools").isArray()).as("tools/list as today").isTrue();
        for (JsonNode e : List.of(answers.get(3), answers.get(4))) {
            assertThat(e.path("error").path("code").asInt()).as(e.toString()).isEqualTo(-32010);
            assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("sign_in_required");
            assertThat(e.path("error").path("message").asText()).contains("xaa login");
        }
        assertThat(bridge.out()).as("no offline retry loop for a sign-in").doesNotContain("retrying in")
                .doesNotContain("offline:");
        assertThat(bridge.out().split("reconnecting once signed in", -1)).as("said once: %s", bridge.out()).hasSize(2);
    }
}
