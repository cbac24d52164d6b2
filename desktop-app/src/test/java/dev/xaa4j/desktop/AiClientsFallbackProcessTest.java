package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.testing.ChildJvm;
import dev.xaa4j.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tray's AI-client entry when no {@code xaa} launcher is installed runs the bridge with {@code java} from this
 * app's classpath: stdout is the JSON-RPC channel there too, so nothing the JVM itself prints may reach it
 * ({@code JAVA_TOOL_OPTIONS=-verbose:gc} puts G1's log lines on stdout unless the entry's JVM options stop it).
 * A real process, as an AI client starts it.
 */
@Tag("slow")
@Timeout(120)
class AiClientsFallbackProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theFallbackEntryKeepsJvmOutputOffTheJsonRpcStdoutEvenWithJavaToolOptions() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(AiClients.fallbackArgs(System.getProperty("java.class.path")));
        command.addAll(List.of("bridge", "notes"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(ChildJvm.homeEnvironment());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString()); // nothing configured
        pb.environment().put("JAVA_TOOL_OPTIONS", "-verbose:gc");

        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n";
        Processes.Result r = Processes.run(pb, initialize, Duration.ofSeconds(60));

        assertThat(r.exit()).as(r.output()).isZero();
        List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stdout carries the initialize answer only\n" + r.output()).hasSize(1);
        JsonNode answer = JSON.readTree(lines.get(0));
        assertThat(answer.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(answer.path("id").asInt()).isEqualTo(1);
        assertThat(answer.has("result")).as(lines.get(0)).isTrue();
        assertThat(r.err()).as("the JVM saw the option (its notice goes to stderr)").contains("Picked up JAVA_TOOL_OPTIONS");
    }
}
