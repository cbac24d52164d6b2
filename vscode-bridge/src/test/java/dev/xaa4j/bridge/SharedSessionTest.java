package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.testing.Closer;
import dev.xaa4j.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue acceptance 4 and 7 ("two bridges and one agent sharing one session"), all as real processes: {@code xaa
 * login} once (scripted browser, real OS keyring), {@code xaa agent}, two {@code xaa bridge notes} driven by the
 * MCP Java SDK over stdio. The sample issuer's audit file is the witness: one sign-in, and one token exchange
 * for both bridges while the agent runs; when the agent is killed each bridge falls back to its own engine.
 * Runs inside {@code .ci/with-keyring} (marked by {@code XAA_REAL_HOME}).
 */
@Tag("slow")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked readLine fails, not hangs
class SharedSessionTest extends KeyringIssuer {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose // after each test
    private final Closer cleanup = new Closer();
    /** Both bridges' stderr (their logs), for failure messages and the "no token in logs" check. */
    private final List<String> bridgeLog = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        configureNotes(SharedSessionTest::xaa);
    }

    private static void ok(CommandRun r) {
        assertThat(r.exit()).as(r.out()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (issuer != null) {
            xaa("", "logout"); // then KeyringIssuer closes the issuer
        }
    }

    @Test
    void twoBridgesAndOneAgentShareOneSessionAndFallBackWhenTheAgentDies() throws Exception {
        login("alice");
        Map<String, Long> before = audit();
        Agent agent = startAgent();

        CommandRun second = xaa("", "agent");
        assertThat(second.exit()).as(second.out()).isEqualTo(1);
        assertThat(second.out()).contains("already running").contains("pid " + agent.process.pid());
        assertThat(xaa("", "agent", "--status").out()).contains("agent running (pid " + agent.process.pid() + ")", "signed in as Alice Anders");

        McpSyncClient one = bridge(null);
        McpSyncClient two = bridge(null);
        assertThat(whoami(one)).contains("\"sub\":\"alice\"");
        assertThat(whoami(two)).contains("\"sub\":\"alice\"");
        one.callTool(new McpSchema.CallToolRequest("add_note", Map.of("text", "from bridge one")));
        assertThat(text(two.callTool(new McpSchema.CallToolRequest("list_notes", Map.of())))).contains("from bridge one");

        Map<String, Long> shared = delta(before, audit());
        assertThat(shared.getOrDefault("sign-in", 0L)).as("no second sign-in").isZero();
        assertThat(shared.getOrDefault("refresh", 0L)).isZero();
        assertThat(shared.get("token-exchange")).as("one exchange, by the agent, for both bridges\n" + String.join("\n", bridgeLog) + "\n" + read(agent.stderr) + xaa("", "status", "--json").out()).isEqualTo(1);
        assertThat(bridgeLog).filteredOn(l -> l.contains("using the xaa broker")).hasSize(2);
        assertThat(shared.get("jwt-bearer")).isEqualTo(1);
        JsonNode status = JSON.readTree(xaa("", "status", "--json").out());
        assertThat(status.path("agent").path("running").asBoolean()).isTrue();
        assertThat(status.path("agent").path("clients").asInt()).as("both bridges connected").isEqualTo(2);
        assertThat(status.path("agent").path("renewals").asLong()).isEqualTo(1);
        assertThat(status.path("user").asText()).isEqualTo("alice");
        assertThat(xaa("", "token", "notes").exit()).as("xaa token through the agent").isZero();
        assertThat(delta(before, audit()).get("token-exchange")).isEqualTo(1);

        agent.process.destroy(); // SIGTERM
        assertThat(agent.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(dir.resolve("run").resolve("broker.sock")).as("the agent removed its socket").doesNotExist();

        assertThat(whoami(one)).contains("\"sub\":\"alice\"");
        assertThat(whoami(two)).contains("\"sub\":\"alice\"");
        Map<String, Long> fallback = delta(before, audit());
        assertThat(fallback.get("token-exchange")).as("each bridge's own engine, from the same stored session").isEqualTo(3);
        assertThat(fallback.getOrDefault("sign-in", 0L)).isZero();
        assertThat(xaa("", "status").out()).contains("agent: not running");
        assertThat(bridgeLog).filteredOn(l -> l.contains("went away")).hasSize(2);
        assertThat(String.join("\n", bridgeLog) + read(agent.stderr)).doesNotContain("eyJ");
    }

    @Test
    void theAgentFollowsServersAddedAndRemovedWhileItRuns() throws Exception {
        login("alice");
        Agent agent = startAgent();
        McpSyncClient notes = bridge(null);
        assertThat(whoami(notes)).contains("\"sub\":\"alice\"");
        long notesExchanges = exchanges("notes");
        assertThat(notesExchanges).as("the audit names the resource").isPositive();
        try {
            ok(xaa("", "server", "add", "tickets", issuer.server("tickets").toString(), "--as-client-id", "xaa-desktop-mcp"));
            ok(KeyringWrites.retry(() -> xaa("xaa-desktop-mcp-demo-secret\n", "secret", "set", "as-client-secret", "tickets")));
            await(() -> read(agent.stderr).contains("configuration changed; serving notes, tickets"), "the agent took the new server");
            assertThat(xaa("", "agent", "--status").out()).as("same process, same session")
                    .contains("agent running (pid " + agent.process.pid() + ")", "signed in as Alice Anders");
            CommandRun token = xaa("", "token", "tickets", "--format", "json");
            ok(token);
            assertThat(JSON.readTree(token.out()).path("scopes").toString()).contains("tickets.read");
        } finally {
            ok(xaa("", "server", "remove", "tickets"));
        }
        await(() -> read(agent.stderr).contains("configuration changed; serving notes\n"), "the agent dropped the server");
        assertThat(agent.process.isAlive()).isTrue();
        // The running connector followed: the notes bridge stayed on the agent and notes kept its token.
        assertThat(whoami(notes)).as("the bridge kept working through both changes").contains("\"sub\":\"alice\"");
        assertThat(exchanges("notes")).as("no second exchange for notes").isEqualTo(notesExchanges);
        assertThat(bridgeLog).as("no reconnect, no fallback").filteredOn(l -> l.contains("using the xaa broker")).hasSize(1);
        assertThat(bridgeLog).noneMatch(l -> l.contains("broker went away") || l.contains("broker failed"));
    }

    /** Allowed token exchanges for {@code server} in the issuer's audit. */
    private static long exchanges(String server) throws Exception {
        return Files.readAllLines(issuer.auditFile()).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).filter(n -> n.path("event").asText().equals("token-exchange") && !"deny".equals(n.path("decision").asText())
                && n.path("resource").asText().contains("/" + server + "/")).count();
    }

    @Test
    void aBridgeWaitingForSignInTellsTheAgentAndRecoversWhenTheUserSignsIn() throws Exception {
        xaa("", "logout");
        Agent agent = startAgent();
        CountDownLatch toolsChanged = new CountDownLatch(1);
        McpSyncClient client = bridge(toolsChanged);

        assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())))
                .hasMessageContaining("xaa login").hasMessageNotContaining("eyJ");
        await(() -> read(agent.stderr).contains("a bridge for 'notes' needs a sign-in"), "the agent heard the bridge");

        Map<String, Long> before = audit();
        CommandRun login = login("alice");
        assertThat(login.out()).contains("the running agent (pid " + agent.process.pid() + ") uses the new session");
        assertThat(toolsChanged.await(20, TimeUnit.SECONDS)).as("list_changed after the agent pushed signed_in").isTrue();
        assertThat(whoami(client)).contains("\"sub\":\"alice\"");
        assertThat(delta(before, audit()).get("token-exchange")).as("by the agent").isEqualTo(1);

        Map<String, Long> beforeLogout = audit();
        CommandRun logout = xaa("", "logout");
        ok(logout);
        assertThat(logout.out()).as("the agent revoked the session at the IdP").contains("signed out (the IdP ended the session)");
        assertThat(delta(beforeLogout, audit()).get("revocation")).isEqualTo(1);
        assertThat(xaa("", "agent", "--status").out()).as("logout reached the agent").contains("not signed in");
        awaitSignInAsked(client, "the bridge dropped its token when the agent signed out");
    }

    @Test
    void aBridgeWithoutAnAgentRecoversWhenTheUserSignsInAndDropsItsTokenOnLogout() throws Exception {
        xaa("", "logout");
        CountDownLatch toolsChanged = new CountDownLatch(1);
        McpSyncClient client = bridge(toolsChanged); // no agent: the bridge's own engine

        assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())))
                .hasMessageContaining("xaa login");

        login("alice");
        assertThat(toolsChanged.await(20, TimeUnit.SECONDS))
                .as("list_changed once the bridge noticed the new session\n" + String.join("\n", bridgeLog)).isTrue();
        assertThat(whoami(client)).contains("\"sub\":\"alice\"");

        Map<String, Long> before = audit();
        CommandRun logout = xaa("", "logout");
        ok(logout);
        assertThat(logout.out()).contains("signed out (the IdP ended the session)");
        assertThat(delta(before, audit()).get("revocation")).isEqualTo(1);
        awaitSignInAsked(client, "the bridge dropped its token when another process signed out");
        assertThat(String.join("\n", bridgeLog)).doesNotContain("eyJ");
    }

    /** Waits until {@code client}'s whoami call fails with the bridge's "xaa login" answer. */
    private static void awaitSignInAsked(McpSyncClient client, String why) {
        await(() -> {
            try {
                client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
                return false;
            } catch (RuntimeException e) {
                return e.getMessage().contains("xaa login");
            }
        }, why);
    }

    // ---- processes ---------------------------------------------------------------------------------------

    private record Agent(Process process, Path stderr) {
    }

    private Agent startAgent() throws Exception {
        Path stderr = Files.createTempFile(dir, "agent", ".err");
        ProcessBuilder pb = new ProcessBuilder(CommandRun.xaaCommand("agent", "-v")).redirectError(stderr.toFile());
        pb.environment().putAll(env());
        Process p = Processes.start(pb);
        cleanup.add(() -> Processes.stop(p));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertThat(ready).as(read(stderr)).startsWith("xaa agent: serving on");
        return new Agent(p, stderr);
    }

    private McpSyncClient bridge(CountDownLatch toolsChanged) {
        List<String> cmd = CommandRun.xaaCommand("bridge", "-v", "notes"); // -v: the "using the xaa broker" line is debug detail
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).env(env()).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(bridgeLog::add);
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("shared-session-test", "1"))
                .requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(30));
        if (toolsChanged != null) {
            spec.toolsChangeConsumer(tools -> toolsChanged.countDown());
        }
        McpSyncClient client = spec.build();
        cleanup.add(client::closeGracefully);
        client.initialize();
        return client;
    }

    private static String whoami(McpSyncClient client) {
        return text(client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())));
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    private static CommandRun login(String user) throws Exception {
        Path browser = XaaProcess.browserScript(dir, user);
        CommandRun r = run(CommandRun.xaaCommand("login"), "", Map.of("BROWSER", browser.toString()));
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).as("the ID token's name (alice: Alice Anders)").contains("signed in as " + Character.toUpperCase(user.charAt(0)) + user.substring(1) + " ");
        return r;
    }

    private static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static CommandRun xaa(String stdin, String... args) throws Exception {
        return run(CommandRun.xaaCommand(args), stdin, Map.of());
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("XAA_CONFIG", dir.resolve("config.json").toString());
        env.put("XAA_RUNTIME_DIR", dir.resolve("run").toString());
        return env;
    }

    private static CommandRun run(List<String> cmd, String stdin, Map<String, String> extra) throws Exception {
        Map<String, String> all = env();
        all.putAll(extra);
        return CommandRun.run(cmd, stdin, all);
    }
}
