package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.testing.ChildJvm;
import dev.xaa4j.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP Inspector CLI (npm {@code @modelcontextprotocol/inspector}) as a second, independent MCP client
 * launching {@code xaa bridge} over stdio. Runs when the Inspector is installed: {@code $XAA_INSPECTOR}, else
 * {@code .ci/node/node_modules/.bin/mcp-inspector} (installed by {@code ./test}); skipped otherwise.
 */
@Tag("slow")
@Timeout(180)
class InspectorCliTest extends TestMcpServerPerTest {


    static Path inspector() {
        String env = System.getenv("XAA_INSPECTOR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve(".ci/node/node_modules/.bin/mcp-inspector");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return dir.resolve("no-inspector");
    }

    private JsonNode inspect(String... methodArgs) throws Exception {
        Path inspector = inspector();
        assumeTrue(Files.isExecutable(inspector), "MCP Inspector CLI not installed (set XAA_INSPECTOR or run ./test)");
        List<String> cmd = new ArrayList<>(List.of(inspector.toString(), "--cli"));
        cmd.addAll(homeArguments());
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + System.getProperty("user.home"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "bridge", server.endpoint().toString(), "--no-auth"));
        cmd.addAll(List.of(methodArgs));
        Processes.Result r = Processes.run(new ProcessBuilder(cmd), "", Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.output()).isZero();
        return BridgeHarness.JSON.readTree(r.out());
    }

    /**
     * {@code -e NAME=VALUE} for the test home's directories: the Inspector starts its server with only HOME, PATH
     * and a few more, so the bridge would otherwise fall back to the default XDG directories.
     */
    static List<String> homeArguments() {
        List<String> args = new ArrayList<>();
        ChildJvm.homeEnvironment().forEach((name, value) -> args.addAll(List.of("-e", name + "=" + value)));
        return args;
    }

    @Test
    void listsAndCallsToolsThroughTheBridge() throws Exception {
        JsonNode tools = inspect("--method", "tools/list");
        assertThat(tools.path("tools").findValuesAsText("name")).contains("echo", "sample");

        JsonNode echo = inspect("--method", "tools/call", "--tool-name", "echo", "--tool-arg", "text=from the inspector");
        assertThat(echo.path("content").get(0).path("text").asText()).isEqualTo("echo: from the inspector");
    }
}
