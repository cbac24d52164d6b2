package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user meets when the session store is not there: no OS keyring at all (every child runs without
 * {@code DBUS_SESSION_BUS_ADDRESS}) in keyring mode, or memory mode with no agent running. {@code xaa status}
 * still lists the configured servers and says in one line what to do; a bridge answers with a set-up error
 * carrying the CLI's hint, once on stderr and without an offline retry loop; {@code xaa agent --memory} warns at
 * start about each client secret the configuration needs and it lacks; neither logs library INFO chatter by
 * default. Real {@code xaa} processes; the sample issuer over real HTTP.
 */
@Tag("slow")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NoSessionStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static SampleIssuer issuer;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = KeyringIssuer.start(dir);
        ok(xaa("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        ok(xaa("server", "add", "notes", issuer.server("notes").toString(), "--as-client-id", "xaa-desktop-mcp"));
    }

    @AfterAll
    static void closeIssuer() throws Exception {
        KeyringIssuer.close(issuer);
    }

    @BeforeEach
    void keyringMode() throws Exception {
        ok(xaa("config", "session-storage", "keyring"));
    }

    @Test
    void statusWithoutAnyKeyringListsTheConfiguredServersAndNamesTheMemoryMode() throws Exception {
        CommandRun status = xaa("status");
        assertThat(status.exit()).as(status.out()).isEqualTo(1);
        assertThat(status.out()).contains("  notes: idle", "session: cannot be read from the OS keyring: No OS keyring",
                        "`xaa agent --memory`", "`xaa config session-storage memory`")
                .doesNotContain("no MCP servers yet", "not signed in: run `xaa login`", "session: in the OS keyring");
        assertThat(status.out().lines().filter(l -> l.contains("xaa agent --memory"))).as(status.out()).hasSize(1);

        JsonNode json = JSON.readTree(xaa("status", "--json").out());
        assertThat(json.path("servers").path("notes").path("state").asText()).isEqualTo("idle");
        assertThat(json.path("sessionProblem").asText()).contains("xaa agent --memory");
    }

    @Test
    void doctorWithoutAnyKeyringEndsItsReportWithAFailLineNamingTheMemoryMode() throws Exception {
        CommandRun doctor = xaa("doctor");
        assertThat(doctor.exit()).as(doctor.out()).isEqualTo(1);
        assertThat(doctor.out()).contains("  ok    IdP " + issuer.idpIssuer(),
                        "  FAIL  session: cannot be read from the OS keyring: No OS keyring is available",
                        "        → Without an OS keyring, keep the session in memory: start `xaa agent --memory`")
                .doesNotContain("xaa: No OS keyring");
    }

    @Test
    void statusInMemoryModeWithNoAgentListsTheConfiguredServersAndSaysToStartTheAgent() throws Exception {
        ok(xaa("config", "session-storage", "memory"));
        CommandRun status = xaa("status");
        ok(status);
        assertThat(status.out()).contains("  notes: idle", "not signed in: start `xaa agent --memory`, then run `xaa login`")
                .doesNotContain("no MCP servers yet");
        JsonNode json = JSON.readTree(xaa("status", "--json").out());
        assertThat(json.path("servers").path("notes").path("state").asText()).isEqualTo("idle");
    }

    @Test
    void aBridgeWithoutAnyKeyringAnswersWithASetUpErrorNamingTheMemoryModeOnceAndNeverRetriesOnATimer() throws Exception {
        List<String> stderr = new CopyOnWriteArrayList<>();
        // The SDK's transport adds env() to the inherited environment: unset the D-Bus address explicitly.
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "-u", "DBUS_SESSION_BUS_ADDRESS"));
        cmd.addAll(CommandRun.xaaCommand("bridge", "notes"));
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).env(env()).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(transport).clientInfo(new McpSchema.Implementation("no-keyring-test", "1"))
                .requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize(); // answered locally: at once, the problem may not be known yet
            Object[] listed = new Object[1];
            Throwable list = catchThrowable(() -> listed[0] = client.listTools());
            Throwable call = catchThrowable(() -> client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())));
            for (Throwable t : java.util.Arrays.asList(list, call)) {
                assertThat(t).as("tools/list gave %s; stderr:%n%s", listed[0], String.join("\n", stderr))
                        .isInstanceOf(McpError.class);
                McpSchema.JSONRPCResponse.JSONRPCError error = ((McpError) t).getJsonRpcError();
                assertThat(error.code()).as(error.message()).isEqualTo(BridgeException.Reason.CONFIGURATION.jsonRpcCode());
                assertThat(error.message()).contains("No OS keyring is available", "`xaa agent --memory`",
                        "`xaa config session-storage memory`");
            }
            // A retry timer would have fired at 1 s, 2 s and 4 s: stderr stays as it is for longer than that.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                    .until(() -> stderr.stream().noneMatch(l -> l.contains("retrying in") || l.contains("offline:")));
            assertThat(stderr.stream().filter(l -> l.contains("No OS keyring is available"))).as(String.join("\n", stderr))
                    .hasSize(1);
            assertThat(stderr).as("no library INFO lines by default").noneMatch(l -> l.contains(" INFO ") || l.startsWith("INFO"));
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aMemoryAgentWithoutTheSecretsTheConfigurationNeedsWarnsOncePerSecretAndServes() throws Exception {
        Path stderr = Files.createTempFile(dir, "agent", ".err");
        ProcessBuilder pb = new ProcessBuilder(CommandRun.xaaCommand("agent", "--memory")).redirectError(stderr.toFile());
        pb.environment().clear();
        pb.environment().putAll(env());
        Process agent = Processes.start(pb);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("xaa agent: serving on");
            assertThat(out.readLine()).contains("(0 client secret(s)");
            String err = Files.readString(stderr);
            List<String> warnings = err.lines().filter(l -> l.startsWith("xaa agent: warning: ")).toList();
            assertThat(warnings).as(err).hasSize(2);
            assertThat(warnings.get(0)).contains("No client secret for client xaa-desktop at " + issuer.idpIssuer(),
                    "client_secret_basic", "`xaa login` needs it", "XAA_IDP_CLIENT_SECRET=… xaa agent --memory",
                    "an `idp-client-secret=…` line");
            assertThat(warnings.get(1)).contains("No client secret for client xaa-desktop-mcp", "'notes'",
                    "XAA_AS_CLIENT_SECRET_NOTES", "an `as-client-secret.notes=…` line");
            assertThat(err).as("no library INFO chatter by default").doesNotContain("INFO", "broker serving on");
            assertThat(xaa("agent", "--status").out()).contains("agent running (pid " + agent.pid() + ")");
        } finally {
            Processes.stop(agent);
            agent.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static void ok(CommandRun r) {
        assertThat(r.exit()).as(r.out()).isZero();
    }

    private static CommandRun xaa(String... args) throws Exception {
        return CommandRun.runWithExactly(CommandRun.xaaCommand(args), "", env());
    }

    /** The test JVM's environment without a Secret Service (no D-Bus session bus for any child), on this test's files. */
    private static Map<String, String> env() {
        return CommandRun.withoutSecretService(dir);
    }
}
