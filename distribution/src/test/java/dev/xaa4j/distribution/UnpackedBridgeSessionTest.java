package dev.xaa4j.distribution;

import static dev.xaa4j.distribution.Distribution.emptyEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole session from the unpacked .tar.gz, as a new user runs it: {@code xaa idp}, {@code server add},
 * {@code secret set} and {@code login} (the scripted browser signs alice in at the sample IdP over real HTTP),
 * then an AI client (the MCP Java SDK over stdio) starts the unpacked {@code bin/xaa bridge notes} through
 * {@code env -i} with only a home and the D-Bus address, and calls the sample {@code notes} server's tools.
 * The bridge finds no agent and starts one on demand through the unpacked launcher (its runtime, JVM options and
 * jar), which serves it and is stopped after the test. Secrets in the OS keyring: inside {@code .ci/with-keyring}
 * only.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnpackedBridgeSessionTest {

    @TempDir
    static Path root;
    static Distribution dist;
    static SampleIssuer issuer;
    static Map<String, String> env;
    /** The agent the bridge started on demand, stopped at the end. */
    static ProcessHandle agent;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(System.getenv("XAA_REAL_HOME") != null && System.getenv("DBUS_SESSION_BUS_ADDRESS") != null,
                "needs the throwaway keyring of .ci/with-keyring");
        dist = Distribution.unpack(root.resolve("unpacked"));
        issuer = SampleIssuers.start(root.resolve("issuer"));
        env = emptyEnvironment(root.resolve("home"));
        env.put("DBUS_SESSION_BUS_ADDRESS", System.getenv("DBUS_SESSION_BUS_ADDRESS"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (dist != null) {
                xaa("", Map.of(), "logout");
            }
            if (agent != null) {
                agent.destroy();
                agent.onExit().get(15, TimeUnit.SECONDS);
            }
        } finally {
            if (issuer != null) {
                issuer.close();
            }
        }
    }

    @Test
    void aSessionSetUpWithTheUnpackedXaaServesAnMcpClientThroughItsBridge() throws Exception {
        ok(xaa("", Map.of(), "idp", issuer.idpIssuer(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        ok(xaa("", Map.of(), "server", "add", "notes", issuer.server("notes"), "--as-client-id", "xaa-desktop-mcp"));
        ok(keyringWrite("xaa-desktop-demo-secret\n", "secret", "set", "idp-client-secret"));
        ok(keyringWrite("xaa-desktop-mcp-demo-secret\n", "secret", "set", "as-client-secret", "notes"));
        Path browser = TestBrowserScript.write(Files.createDirectories(root.resolve("browser")), "alice", "alice",
                root.resolve("browser/log.txt"));
        Processes.Result login = xaa("", Map.of("BROWSER", browser.toString()), "login", "--timeout", "60");
        ok(login);
        assertThat(login.out()).contains("signed in as Alice");

        List<String> bridge = new ArrayList<>(List.of("-i"));
        env.forEach((k, v) -> bridge.add(k + "=" + v));
        bridge.addAll(List.of(dist.bin("xaa").toString(), "bridge", "notes"));
        McpSyncClient client = McpClient.sync(new StdioClientTransport(
                        ServerParameters.builder("/usr/bin/env").args(bridge).build(), McpJsonDefaults.getMapper()))
                .clientInfo(new McpSchema.Implementation("distribution-test", "1"))
                .requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(30))
                .build();
        try {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("whoami", "add_note");
            McpSchema.CallToolResult added = client.callTool(new McpSchema.CallToolRequest("add_note", Map.of("text", "from the unpacked xaa")));
            assertThat(added.isError()).as(added.toString()).isNotEqualTo(Boolean.TRUE);
            McpSchema.CallToolResult whoami = client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
            assertThat(((McpSchema.TextContent) whoami.content().get(0)).text()).contains("alice");
        } finally {
            client.closeGracefully();
        }
        assertThat(Files.readString(issuer.auditFile())).contains("alice");
        Processes.Result status = xaa("", Map.of(), "agent", "--status");
        ok(status);
        assertThat(status.out()).as("the bridge started the agent").contains("started on demand, exits after 10 min idle");
        agent = ProcessHandle.of(Long.parseLong(status.out().replaceFirst("(?s).*agent running \\(pid (\\d+).*", "$1")))
                .orElseThrow();
        assertThat(new String(Files.readAllBytes(Path.of("/proc", Long.toString(agent.pid()), "cmdline"))).replace('\0', ' '))
                .as("started through the unpacked launcher").contains(dist.app().resolve("runtime/bin/java").toString(),
                        "-Dxaa.launcher=" + dist.bin("xaa"), "-jar " + dist.lib("xaa.jar"), "agent --on-demand");
        assertThat(Files.readString(root.resolve("home/.local/state/xaa4j/agent.log"))).contains("xaa agent: serving on")
                .doesNotContain("eyJ", "demo-secret");
        assertThat(Files.readString(root.resolve("home/.config/xaa4j/config.json"))).as("secrets stay in the keyring")
                .contains("xaa-desktop-mcp").doesNotContain("demo-secret");
    }

    private static Processes.Result xaa(String stdin, Map<String, String> extra, Object... args) throws Exception {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putAll(extra);
        Object[] cmd = new Object[args.length + 1];
        cmd[0] = dist.bin("xaa");
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Distribution.run(e, stdin, cmd);
    }

    /** A freshly started gnome-keyring may refuse the very first write for a moment: tried again. */
    private static Processes.Result keyringWrite(String stdin, Object... args) throws Exception {
        Processes.Result r = xaa(stdin, Map.of(), args);
        for (int attempt = 1; attempt < 5 && r.exit() != 0 && (r.out() + r.err()).contains("keyring is locked"); attempt++) {
            r = xaa(stdin, Map.of(), args);
        }
        return r;
    }

    private static void ok(Processes.Result r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }
}
