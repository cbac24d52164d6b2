package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xaa4j.sample.SampleIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue acceptance 7: the MCP Inspector CLI launches {@code xaa bridge notes} against the sample issuer and
 * lists and calls tools as alice and as bob (bob's write is refused with a clear error). Uses the real
 * {@code xaa login} (with a scripted browser) and the real OS keyring, so it runs only inside
 * {@code .ci/with-keyring} (a throwaway keyring, marked by {@code XAA_REAL_HOME}) with the Inspector installed.
 */
@Tag("slow")
@Timeout(300)
class InspectorSampleIssuerTest {

    @TempDir
    static Path dir;
    static SampleIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        KeyringIssuer.assumeKeyring();
        assumeTrue(Files.isExecutable(InspectorCliTest.inspector()), "MCP Inspector CLI not installed");
        issuer = KeyringIssuer.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (issuer != null) {
            xaa("", "logout");
            issuer.close();
        }
    }

    @Test
    void aliceWritesAndBobsWriteIsRefusedThroughTheInspector() throws Exception {
        assertThat(xaa("", "idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop",
                "--auth-method", "client_secret_basic").exit()).isZero();
        assertThat(xaa("", "server", "add", "notes", issuer.server("notes").toString(), "--as-client-id", "xaa-desktop-mcp").exit()).isZero();
        assertThat(xaa("xaa-desktop-demo-secret\n", "secret", "set", "idp-client-secret").exit()).isZero();
        assertThat(xaa("xaa-desktop-mcp-demo-secret\n", "secret", "set", "as-client-secret", "notes").exit()).isZero();

        login("alice");
        CommandRun list = inspector("--method", "tools/list");
        assertThat(list.out()).contains("add_note", "list_notes");
        CommandRun write = inspector("--method", "tools/call", "--tool-name", "add_note", "--tool-arg", "text=alice via inspector");
        assertThat(write.out()).contains("alice via inspector").contains("\"isError\": false");
        bridgeLogsEverythingButTokens();

        login("bob");
        CommandRun read = inspector("--method", "tools/call", "--tool-name", "list_notes");
        assertThat(read.out()).contains("notes").doesNotContain("alice via inspector");
        CommandRun refused = inspector("--method", "tools/call", "--tool-name", "add_note", "--tool-arg", "text=bob");
        // bob keeps notes.read after the step-up; the write is refused naming the scope the IdP's policy does not
        // grant him (not "the server refused access") and who to ask
        assertThat(refused.out()).contains("does not grant scope 'notes.write'").contains("administrator")
                .doesNotContain("eyJ");
    }

    /** Every logger at debug (-v and the SLF4J default level), a real token on every request: none on stderr. */
    private static void bridgeLogsEverythingButTokens() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Duser.home=" + System.getProperty("user.home"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bridge", "-v", "notes"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("bridge-stderr.txt").toFile());
        pb.environment().put("XAA_CONFIG", config());
        pb.environment().put("XAA_CACHE_DIR", dir.resolve("cache").toString());
        Process p = pb.start();
        try {
            try (var in = p.getOutputStream()) {
                in.write((BridgeHarness.initialize(1) + "\n" + BridgeHarness.initialized() + "\n"
                        + BridgeHarness.call(2, "whoami", "{}") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                in.flush();
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.contains("\"id\":2")) {
                    // the initialize answer and notifications
                }
                assertThat(line).as("whoami answered").contains("alice");
            }
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("the bridge exits at the end of stdin").isTrue();
        } finally {
            dev.xaa4j.testing.Processes.destroyTree(p);
        }
        String stderr = Files.readString(dir.resolve("bridge-stderr.txt"));
        assertThat(stderr).as("debug logging was on").contains("DEBUG");
        assertThat(stderr).doesNotContain("eyJ").doesNotContainIgnoringCase("bearer ").doesNotContain("demo-secret");
    }

    private static void login(String user) throws Exception {
        Path browser = XaaProcess.browserScript(dir, user);
        CommandRun r = run(xaaCommand("login"), "", Map.of("BROWSER", browser.toString()));
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).as("the ID token's name (alice: Alice Anders)").contains("signed in as " + Character.toUpperCase(user.charAt(0)) + user.substring(1) + " ");
    }

    private static CommandRun inspector(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(InspectorCliTest.inspector().toString(), "--cli",
                "-e", "XAA_CONFIG=" + config(), "-e", "DBUS_SESSION_BUS_ADDRESS=" + System.getenv("DBUS_SESSION_BUS_ADDRESS")));
        cmd.addAll(InspectorCliTest.homeArguments()); // the Inspector passes on HOME and PATH only
        cmd.addAll(xaaCommand("bridge", "notes"));
        cmd.addAll(List.of(args));
        return run(cmd, "", Map.of());
    }

    private static CommandRun xaa(String stdin, String... args) throws Exception {
        return run(xaaCommand(args), stdin, Map.of());
    }

    private static List<String> xaaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Duser.home=" + System.getProperty("user.home"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static CommandRun run(List<String> cmd, String stdin, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("XAA_CONFIG", config());
        return CommandRun.run(cmd, stdin, all);
    }

    private static String config() {
        return dir.resolve("config.json").toString();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
