package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code xaa} as a real process, as AI clients launch it: the MCP Java SDK client over stdio, raw pipes, exit codes. */
@Tag("slow")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked readLine fails, not hangs
class BridgeProcessTest extends TestMcpServerPerTest {

    @TempDir
    Path home;


    private List<String> xaa(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Duser.home=" + home,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Map<String, String> env() {
        return Map.of("XAA_CONFIG", home.resolve("config.json").toString(), "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString(), "XAA_CACHE_DIR", cacheDir().toString());
    }

    private Path cacheDir() {
        return home.resolve("cache");
    }

    @Test
    void anMcpSdkClientOverStdioInitializesListsAndCallsToolsIncludingSampling() {
        // This test is about relaying the upstream's own initialize result, so give a loaded machine time to
        // reach it; the 1 s local-answer guarantee has its own tests.
        List<String> cmd = xaa("bridge", server.endpoint().toString(), "--no-auth", "--initialize-budget-ms", "15000");
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).env(env()).build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
                .clientInfo(new McpSchema.Implementation("it", "1"))
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(req -> new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT,
                        new McpSchema.TextContent("hello from the client's model"), "m", McpSchema.CreateMessageResult.StopReason.END_TURN))
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("test-notes");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "sample");
            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "via stdio")));
            assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).isEqualTo("echo: via stdio");
            McpSchema.CallToolResult sampled = client.callTool(new McpSchema.CallToolRequest("sample", Map.of("prompt", "hi")));
            assertThat(((McpSchema.TextContent) sampled.content().get(0)).text()).isEqualTo("model said: hello from the client's model");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void signedOutBridgeAnswersInitializeFastReportsToolCallsAndExitsZeroOnEof() throws Exception {
        // an initialize budget far beyond the read below: a bridge that waited on it instead of answering at once fails
        ProcessBuilder pb = new ProcessBuilder(xaa("bridge", "--initialize-budget-ms", "600000", server.endpoint().toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env());
        Process p = Processes.start(pb); // reaped after the class even if a read below blocks
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = p.getOutputStream();
        List<String> lines = new ArrayList<>();

        send(in, "not json at all");
        lines.add(out.readLine());
        assertThat(BridgeHarness.JSON.readTree(lines.get(0)).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(p.isAlive()).isTrue();

        send(in, BridgeHarness.initialize(1));
        lines.add(out.readLine());
        JsonNode init = BridgeHarness.JSON.readTree(lines.get(1));
        assertThat(init.path("result").path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();

        send(in, BridgeHarness.initialized());
        send(in, BridgeHarness.call(2, "echo", "{}"));
        lines.add(out.readLine());
        JsonNode e = BridgeHarness.JSON.readTree(lines.get(2));
        // nothing is configured here (no IdP): the bridge's not-set-up error, which names `xaa idp` and then `xaa login`
        assertThat(e.path("error").path("code").asInt()).isEqualTo(-32014);
        assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("not_set_up");
        assertThat(e.path("error").path("message").asText()).contains("xaa idp", "xaa login");

        in.close();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        rest.lines().forEach(lines::add);
        assertThat(lines).allSatisfy(l -> assertThat(BridgeHarness.JSON.readTree(l).path("jsonrpc").asText()).isEqualTo("2.0"));
        assertThat(server.seen).as("never signed in: nothing went upstream").isEmpty();
    }

    @Test
    void answersInitializeWithTheServersLastAnswerAtOnceAndLeavesTheNextLinesToTheBridge() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        java.net.URI down = java.net.URI.create("http://127.0.0.1:" + closed + "/mcp");
        // what a bridge stored the last time this server answered (the cache layout is InitializeCache's)
        dev.xaa4j.bridge.proxy.InitializeCache.in(cacheDir().resolve("initialize")).remember(down, "2025-06-18",
                BridgeHarness.JSON.readTree("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true}},"
                        + "\"serverInfo\":{\"name\":\"remembered-notes\",\"version\":\"7\"}}"));

        for (boolean cacheOff : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of("bridge", down.toString()));
            if (cacheOff) {
                args.add("--no-initialize-cache");
            }
            ProcessBuilder pb = new ProcessBuilder(xaa(args.toArray(String[]::new))).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env());
            Process p = Processes.start(pb); // reaped after the class even if a read below blocks
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            OutputStream in = p.getOutputStream();
            // initialize and a ping in one write: the line after initialize must reach the bridge intact
            send(in, BridgeHarness.initialize(1) + "\n" + BridgeHarness.request(2, "ping"));
            JsonNode init = BridgeHarness.JSON.readTree(out.readLine());
            assertThat(init.path("id").asInt()).isEqualTo(1);
            assertThat(init.path("result").path("serverInfo").path("name").asText())
                    .isEqualTo(cacheOff ? "xaa-bridge" : "remembered-notes");
            JsonNode ping = BridgeHarness.JSON.readTree(out.readLine());
            assertThat(ping.path("id").asInt()).isEqualTo(2);
            assertThat(ping.path("result").isObject()).isTrue();
            send(in, BridgeHarness.initialized());
            send(in, BridgeHarness.call(3, "echo", "{}"));
            JsonNode call = BridgeHarness.JSON.readTree(out.readLine());
            assertThat(call.path("id").asInt()).isEqualTo(3);
            assertThat(call.path("error").path("message").asText()).as("signed out").contains("xaa login");
            in.close();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void namedServersComeFromTheConfigFile() throws Exception {
        assertThat(run("server", "add", "notes", server.endpoint().toString()).exit).isZero();
        Result list = run("server", "list", "--json");
        assertThat(BridgeHarness.JSON.readTree(list.out).path("notes").path("url").asText()).isEqualTo(server.endpoint().toString());
        assertThat(Files.readString(home.resolve("config.json"))).contains("\"notes\"").doesNotContainIgnoringCase("secret");

        Result bridged = runWithStdin("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n", "bridge", "notes", "--no-auth");
        assertThat(bridged.exit).isZero();
        assertThat(bridged.out.strip()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        Result verbose = runWithStdin("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n", "bridge", "-v", "notes", "--no-auth");
        assertThat(verbose.exit).as("-v works on the bridge's own command line").isZero();
        assertThat(verbose.out.strip()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");

        assertThat(run("server", "add", "bad", "ftp://x").exit).isEqualTo(2);
        assertThat(run().exit).isEqualTo(2);
        assertThat(run("no-such-command").exit).isEqualTo(2);
        assertThat(run("server", "remove", "notes").exit).isZero();
    }

    @Test
    void aBridgeForAnUnknownServerAnswersTheClientWithWhatToFix() throws Exception {
        assertThat(run("server", "add", "notes", server.endpoint().toString()).exit).isZero();
        assertThat(run("server", "add", "tickets", server.endpoint().toString()).exit).isZero();
        for (String name : List.of("nope", "ftp://example.com/mcp")) {
            Session s = session("bridge", name);
            assertThat(s.exit).as("exit 0 at EOF").isZero();
            assertThat(s.out).hasSize(3);
            JsonNode init = s.out.get(0);
            assertThat(init.path("id").asInt()).isEqualTo(1);
            assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
            assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("xaa-bridge");
            for (JsonNode e : s.out.subList(1, 3)) {
                // the bridge's configuration error, not -32600 (a client reads that as its own bug)
                assertThat(e.path("error").path("code").asInt()).isEqualTo(-32015);
                assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("configuration");
                assertThat(e.path("error").path("message").asText())
                        .contains("no MCP server named '" + name + "'")
                        .contains("xaa server add " + name + " URL")
                        .contains("(known: notes, tickets)");
            }
            assertThat(s.out).extracting(m -> m.path("id").asInt()).containsExactly(1, 2, 3);
            assertThat(s.err).contains("no MCP server named '" + name + "'");
        }
    }

    @Test
    void aBridgeStartedWithoutAServerNamesTheProblemInsteadOfAnEmptyTitle() throws Exception {
        Session s = session("bridge");
        assertThat(s.exit).isZero();
        assertThat(s.out).hasSize(3);
        JsonNode info = s.out.get(0).path("result").path("serverInfo");
        assertThat(info.path("name").asText()).isEqualTo("xaa-bridge");
        assertThat(info.path("title").asText()).doesNotEndWith("to ").contains("no MCP server given");
        assertThat(s.out.get(0).path("result").path("instructions").asText()).contains("without the MCP server");
        for (JsonNode e : s.out.subList(1, 3)) {
            assertThat(e.path("error").path("code").asInt()).isEqualTo(-32015);
            assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("configuration");
            assertThat(e.path("error").path("message").asText()).contains("without the MCP server", "xaa install");
        }
    }

    /** An HTTPS_PROXY the product cannot use is a set-up mistake: said on every request, never retried as "offline". */
    @Test
    void anUnusableProxyVariableIsAConfigurationErrorOnEveryRequestNotAnOfflineLoop() throws Exception {
        Session s = session(Map.of("HTTPS_PROXY", "socks5://proxy.example:1080"),
                "bridge", server.endpoint().toString(), "--no-auth", "--no-initialize-cache");
        assertThat(s.exit).isZero();
        assertThat(s.out).hasSize(3);
        assertThat(s.out.get(0).path("result").path("instructions").asText())
                .contains("HTTPS_PROXY", "socks5").doesNotContain("once the connection is ready");
        for (JsonNode e : s.out.subList(1, 3)) { // tools/list too: an empty list would hide why there are no tools
            assertThat(e.path("error").path("code").asInt()).as(e.toString()).isEqualTo(-32015);
            assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("configuration");
            assertThat(e.path("error").path("message").asText()).contains("HTTPS_PROXY", "socks5");
        }
        assertThat(s.err).doesNotContain("retrying in").doesNotContain("internal error").doesNotContain("offline:");
    }

    /**
     * No IdP configured, and the server forced to the enterprise flow: every request says to configure the IdP with
     * `xaa idp` (a set-up mistake: not "offline", no empty tool list, no 1-2-4 s log). A server on `auto` needs no
     * IdP (NoIdpWikiProcessTest).
     */
    @Test
    void aBridgeToAnEnterpriseServerWithoutAnIdpSaysToRunXaaIdpOnEveryRequest() throws Exception {
        assertThat(run("server", "add", "notes", server.endpoint().toString(), "--auth", "ema").exit).isZero();
        Session s = session("bridge", "notes", "--no-initialize-cache");
        assertThat(s.exit).isZero();
        assertThat(s.out).hasSize(3);
        assertThat(s.out.get(0).path("result").path("instructions").asText())
                .contains("xaa idp").doesNotContain("once the connection is ready");
        for (JsonNode e : s.out.subList(1, 3)) {
            assertThat(e.path("error").path("code").asInt()).as(e.toString()).isEqualTo(-32015);
            assertThat(e.path("error").path("data").path("reason").asText()).isEqualTo("configuration");
            assertThat(e.path("error").path("message").asText()).contains("xaa idp ISSUER --client-id ID");
        }
        assertThat(s.err).doesNotContain("retrying in").doesNotContain("offline:");
    }

    @Test
    void aBridgeStartedWithArgumentsItDoesNotAcceptAnswersTheClientWithWhatToFix() throws Exception {
        Session s = session("bridge", "notes", "--no-authh");
        assertThat(s.exit).isZero();
        assertThat(s.out).hasSize(3);
        assertThat(s.out.get(0).path("result").path("serverInfo").path("name").asText()).isEqualTo("xaa-bridge");
        assertThat(s.out.get(1).path("error").path("message").asText()).contains("--no-authh").contains("MCP configuration");
        assertThat(s.err).contains("--no-authh");
    }

    @Test
    void aBridgeWithABrokenConfigFileAnswersTheClientWithWhatToFix() throws Exception {
        Files.writeString(home.resolve("config.json"), "{\"servers\": {\"notes\": ");
        Session s = session("bridge", "notes");
        assertThat(s.exit).isZero();
        assertThat(s.out).hasSize(3);
        assertThat(s.out.get(0).path("result").path("serverInfo").path("name").asText()).isEqualTo("xaa-bridge");
        assertThat(s.out.get(2).path("error").path("message").asText())
                .contains(home.resolve("config.json").toString()).contains("fix it");
        assertThat(s.err).contains(home.resolve("config.json").toString());
    }

    private record Session(int exit, List<JsonNode> out, String err) {
    }

    /** An AI client's first exchange: initialize, initialized, tools/list, tools/call, then EOF. */
    private Session session(String... args) throws Exception {
        return session(Map.of(), args);
    }

    /** {@link #session(String...)} with {@code extraEnv} on top of the test's environment. */
    private Session session(Map<String, String> extraEnv, String... args) throws Exception {
        Path err = Files.createTempFile(home, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(xaa(args)).redirectError(err.toFile());
        for (String v : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env());
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((BridgeHarness.initialize(1) + "\n" + BridgeHarness.initialized() + "\n" + BridgeHarness.request(2, "tools/list")
                    + "\n" + BridgeHarness.call(3, "echo", "{}") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> messages = new ArrayList<>();
        for (String line : out.lines().toList()) {
            messages.add(BridgeHarness.JSON.readTree(line));
        }
        return new Session(p.exitValue(), messages, Files.readString(err));
    }

    @Test
    void helpWorksOnEveryCommand() throws Exception {
        for (String[] c : List.of(new String[] {"--help"}, new String[] {"bridge", "--help"}, new String[] {"install", "--help"},
                new String[] {"server", "add", "--help"}, new String[] {"token", "--help"}, new String[] {"doctor", "--help"})) {
            Result r = run(c);
            assertThat(r.exit).as(String.join(" ", c)).isZero();
            assertThat(r.out).contains("Usage: xaa");
        }
    }

    private record Result(int exit, String out) {
    }

    private Result run(String... args) throws Exception {
        return runWithStdin("", args);
    }

    private Result runWithStdin(String stdin, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(xaa(args)).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env());
        Processes.Result r = Processes.run(pb, stdin, Duration.ofSeconds(20));
        return new Result(r.exit(), r.out());
    }

    private static void send(OutputStream in, String line) throws Exception {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
