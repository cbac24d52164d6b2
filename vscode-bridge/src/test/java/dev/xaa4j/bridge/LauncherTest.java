package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The POSIX launcher ({@code src/main/launcher/xaa}) as AI clients run it: whatever the JVM prints because of
 * {@code XAA_JAVA_OPTS} goes to stderr, stdout carries JSON-RPC only. The launcher runs next to an
 * {@code xaa.jar} that is a manifest pointing at the test class path (the shaded jar is made after the tests).
 */
@Tag("slow")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void jvmOutputAskedForInXaaJavaOptsGoesToStderrAndStdoutCarriesJsonRpcOnly() throws Exception {
        Process p = noAuthBridge(Map.of("XAA_JAVA_OPTS", "-verbose:gc -XX:+PrintFlagsFinal --show-version"));
        try (OutputStream in = p.getOutputStream()) {
            in.write((BridgeHarness.initialize(1) + "\n" + BridgeHarness.request(2, "ping") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<JsonNode> messages = new ArrayList<>();
        for (String line : out.lines().toList()) {
            JsonNode m = BridgeHarness.JSON.readTree(line);
            assertThat(m.path("jsonrpc").asText()).as("stdout line: %s", line).isEqualTo("2.0");
            messages.add(m);
        }
        assertThat(messages).extracting(m -> m.path("id").asInt()).containsExactly(1, 2);
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertThat(err).as("-verbose:gc").contains("Using Serial");
        assertThat(err).as("-XX:+PrintFlagsFinal").contains("MaxHeapSize");
        assertThat(err).as("--show-version").contains("OpenJDK");
    }

    @Test
    void aMessageJustUnderTheLimitFitsTheLaunchersSmallStartingHeap() throws Exception {
        Process p = noAuthBridge(Map.of());
        String big = BridgeHarness.initialize(1) + "\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"store\",\"arguments\":{\"text\":\"" + "x".repeat(32 * 1024 * 1024 - 200) + "\"}}}\n"
                + BridgeHarness.request(3, "ping") + "\n";
        try (OutputStream in = p.getOutputStream()) {
            in.write(big.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertThat(err).as("stderr").doesNotContain("OutOfMemoryError");
        assertThat(p.exitValue()).as(err).isZero();
        List<JsonNode> messages = new ArrayList<>();
        for (String line : out.lines().toList()) {
            messages.add(BridgeHarness.JSON.readTree(line));
        }
        // the call is read whole and answered (the server is unreachable), not refused as too large
        assertThat(messages).filteredOn(m -> m.path("id").asInt() == 2).singleElement()
                .satisfies(m -> assertThat(m.path("error").path("message").asText()).doesNotContain("limit"));
        assertThat(messages).extracting(m -> m.path("id").asInt()).contains(1, 2, 3);
    }

    /** The launcher (a copy in the test's directory) running {@code xaa bridge URL --no-auth}; stderr to stderr.txt. */
    private Process noAuthBridge(Map<String, String> extraEnvironment) throws Exception {
        Path launcher = dir.resolve("xaa");
        Files.copy(Path.of("src/main/launcher/xaa"), launcher);
        writeManifestJar(dir.resolve("xaa.jar"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", launcher.toString(), "bridge", "http://127.0.0.1:9/mcp", "--no-auth")
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().putAll(Map.of("JAVA_HOME", System.getProperty("java.home"),
                "XAA_CONFIG", dir.resolve("config.json").toString(), "HOME", dir.toString(),
                "XAA_CACHE_DIR", dir.resolve("cache").toString()));
        pb.environment().putAll(extraEnvironment);
        return pb.start();
    }

    @Test
    void theOtherCommandsStillPrintOnStdout() throws Exception {
        Path launcher = dir.resolve("xaa");
        Files.copy(Path.of("src/main/launcher/xaa"), launcher);
        writeManifestJar(dir.resolve("xaa.jar"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", launcher.toString(), "--version")
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().putAll(Map.of("JAVA_HOME", System.getProperty("java.home"), "XAA_JAVA_OPTS", "-verbose:gc",
                "HOME", dir.toString()));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).startsWith("xaa ").doesNotContain("Using Serial");
    }

    /** A jar with only a manifest: Main-Class and the test class path. */
    static void writeManifestJar(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        a.put(new Attributes.Name("Add-Opens"), "java.base/java.io"); // as in the shaded jar (pom.xml)
        List<String> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toString()); // directories end with '/'
        }
        a.put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
    }
}
