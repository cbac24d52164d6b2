package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.testing.Closer;
import dev.xaa4j.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 3, "works with no OS keyring", as real processes with no Secret Service at all (every child runs
 * without {@code DBUS_SESSION_BUS_ADDRESS}): {@code xaa agent --memory} holds the session and the client secrets
 * (from its environment or {@code --secrets-fd}), {@code xaa login} signs in through it (the agent runs the
 * scripted browser), a bridge calls a tool and {@code xaa token} prints a token through its broker, {@code xaa
 * status} says where the session lives; once the agent stops, the session is gone, commands say to start the
 * agent, and no file holds a token or a secret. The sample issuer is the peer over real HTTP.
 */
@Tag("slow")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryAgentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IDP_SECRET = "xaa-desktop-demo-secret";
    private static final String AS_SECRET = "xaa-desktop-mcp-demo-secret";

    @TempDir
    static Path dir;
    static SampleIssuer issuer;

    @AutoClose // after each test
    private final Closer cleanup = new Closer();
    private final List<String> bridgeLog = new CopyOnWriteArrayList<>();
    private Instant started;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = KeyringIssuer.start(dir);
        ok(xaa("", "idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        ok(xaa("", "server", "add", "notes", issuer.server("notes").toString(), "--as-client-id", "xaa-desktop-mcp"));
    }

    @AfterAll
    static void closeIssuer() throws Exception {
        KeyringIssuer.close(issuer);
    }

    @BeforeEach
    void keyringMode() throws Exception {
        started = Instant.now().minusSeconds(1);
        ok(xaa("", "config", "session-storage", "keyring"));
    }

    @Test
    void aMemoryAgentWithSecretsFromItsEnvironmentServesLoginBridgeAndTokenWithoutAnyKeyring() throws Exception {
        Path browserEnv = dir.resolve("browser-env-1.txt");
        Agent agent = startAgent(List.of("agent", "--memory"), Map.of("XAA_IDP_CLIENT_SECRET", IDP_SECRET,
                "XAA_AS_CLIENT_SECRET_NOTES", AS_SECRET, "BROWSER", browserScript(browserEnv).toString()), null);
        assertThat(agent.banner()).contains("the session lives only in the memory of this process (pid "
                + agent.process().pid() + ") and ends with it");

        CommandRun login = xaa("", "login", "--timeout", "60");
        ok(login);
        assertThat(login.out()).contains("signed in as Alice Anders")
                .contains("session in the memory of xaa agent (pid " + agent.process().pid() + ")");
        assertThat(Files.readString(browserEnv)).as("the agent ran the browser").contains("PATH=")
                .doesNotContain("XAA_IDP_CLIENT_SECRET", "XAA_AS_CLIENT_SECRET", IDP_SECRET, AS_SECRET);

        CommandRun status = xaa("", "status");
        ok(status);
        assertThat(status.out()).contains("session: in the memory of xaa agent (pid " + agent.process().pid()
                + "); it ends when the agent stops", "signed in as Alice Anders");
        JsonNode json = JSON.readTree(xaa("", "status", "--json").out());
        assertThat(json.path("sessionStorage").asText()).isEqualTo("memory");
        assertThat(json.path("user").asText()).isEqualTo("alice");

        McpSyncClient bridge = bridge();
        assertThat(text(bridge.callTool(new McpSchema.CallToolRequest("whoami", Map.of())))).contains("\"sub\":\"alice\"");
        assertThat(bridgeLog).anyMatch(l -> l.contains("using the xaa broker (pid " + agent.process().pid() + ")"));

        CommandRun doctor = xaa("", "doctor");
        assertThat(doctor.exit()).as(doctor.out()).isZero();
        assertThat(doctor.out()).contains("session in the memory of xaa agent (pid " + agent.process().pid() + ")",
                "token exchange at the IdP and jwt-bearer grant at the AS succeeded").doesNotContain("keyring");

        CommandRun token = xaa("", "token", "notes");
        ok(token);
        assertThat(token.out()).startsWith("Authorization: "); // DPoP (the sample issuer binds tokens), else Bearer
        String accessToken = token.out().lines().findFirst().orElseThrow().split(" ")[2];

        CommandRun secretSet = xaa(IDP_SECRET + "\n", "secret", "set", "idp-client-secret");
        assertThat(secretSet.exit()).as(secretSet.out()).isEqualTo(2);
        assertThat(secretSet.out()).contains("XAA_IDP_CLIENT_SECRET", "--secrets-fd").doesNotContain(IDP_SECRET);

        stop(agent);
        CommandRun after = xaa("", "token", "notes");
        assertThat(after.exit()).as(after.out()).isNotZero();
        assertThat(after.out()).contains("xaa agent --memory").doesNotContain(accessToken);
        assertThat(xaa("", "status").out()).contains("agent: not running");
        assertNothingSecretOnDisk(List.of(IDP_SECRET, AS_SECRET, accessToken, "eyJ", "refreshToken"));
        assertThat(String.join("\n", bridgeLog) + Files.readString(agent.stderr())).doesNotContain("eyJ", IDP_SECRET, AS_SECRET);
    }

    @Test
    void theMemorySettingMakesPlainAgentKeepTheSessionTakingSecretsFromAFileDescriptorAndNothingFallsBackToTheKeyring()
            throws Exception {
        Agent keyringAgent = startAgent(List.of("agent"), Map.of(), null); // started before the setting: keyring
        ok(xaa("", "config", "session-storage", "memory"));
        CommandRun wrongOwner = xaa("", "login", "--timeout", "5");
        assertThat(wrongOwner.exit()).as(wrongOwner.out()).isEqualTo(3);
        assertThat(wrongOwner.out()).contains("(pid " + keyringAgent.process().pid() + ") keeps it in the OS keyring",
                "xaa agent --memory");
        stop(keyringAgent);

        CommandRun noAgent = xaa("", "token", "notes");
        assertThat(noAgent.exit()).as(noAgent.out()).isEqualTo(3);
        assertThat(noAgent.out()).contains("xaa agent --memory", "xaa login").doesNotContain("keyring is");
        CommandRun loginWithoutAgent = xaa("", "login", "--timeout", "5");
        assertThat(loginWithoutAgent.exit()).isEqualTo(3);
        assertThat(loginWithoutAgent.out()).contains("xaa agent --memory");
        assertThat(xaa("", "status").out()).contains("session: none (memory mode");
        CommandRun doctor = xaa("", "doctor");
        assertThat(doctor.exit()).as(doctor.out()).isEqualTo(3);
        assertThat(doctor.out()).contains("xaa agent --memory");

        Path secrets = dir.resolve("secrets.txt");
        Files.writeString(secrets, "# for xaa agent\nidp-client-secret=" + IDP_SECRET + "\nas-client-secret.notes=" + AS_SECRET + "\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Agent agent = startAgent(List.of("agent", "--secrets-fd", "3"), Map.of("BROWSER",
                browserScript(dir.resolve("browser-env-2.txt")).toString(), "SECRETS_FILE", secrets.toString()), "3<\"$SECRETS_FILE\"");
        Files.delete(secrets); // read at start: from here on the secrets are only in the agent's memory
        assertThat(agent.banner()).contains("lives only in the memory of this process", "2 client secret(s)");

        ok(xaa("", "login", "--timeout", "60"));
        CommandRun token = xaa("", "token", "notes", "--format", "json");
        ok(token);
        String accessToken = JSON.readTree(token.out()).path("Authorization").asText().split(" ")[1];
        assertThat(xaa("", "agent", "--status").out()).contains("session in the memory of xaa agent (pid " + agent.process().pid());
        CommandRun logout = xaa("", "logout");
        ok(logout);
        assertThat(logout.out()).as("the agent revoked its session at the IdP").contains("signed out (the IdP ended the session)");
        CommandRun signedOut = xaa("", "token", "notes");
        assertThat(signedOut.exit()).as(signedOut.out()).isEqualTo(3);
        assertThat(signedOut.out()).contains("xaa login");
        ok(xaa("", "login", "--timeout", "60"));
        ok(xaa("", "token", "notes"));

        stop(agent);
        McpSyncClient bridge = bridge();
        CommandRun after = xaa("", "token", "notes");
        assertThat(after.exit()).as(after.out()).isEqualTo(3);
        assertThat(after.out()).contains("xaa agent --memory");
        String answer;
        try {
            answer = text(bridge.callTool(new McpSchema.CallToolRequest("whoami", Map.of())));
        } catch (RuntimeException e) {
            answer = e.getMessage();
        }
        assertThat(answer).as("the bridge names the agent, never falls back to a keyring").contains("xaa agent --memory");
        assertNothingSecretOnDisk(List.of(IDP_SECRET, AS_SECRET, accessToken, "eyJ", "refreshToken"));
    }

    /**
     * Issue 12 points 1 and 7 against the sample issuer's DPoP (its AS and MCP servers, nonces on): the bridge's
     * tools/list and tools/call go with DPoP-bound tokens and proofs (the server's audit says so, with the key's
     * thumbprint), {@code xaa token --format json} prints the proof recipe, its proof is taken once and refused when
     * replayed, {@code --dpop-proof} makes the next at the agent (where the key lives), and no token, proof or key
     * byte is in the bridge's or the agent's log.
     */
    @Test
    void dpopBoundTokensThroughTheBridgeAndTheProofRecipeOfXaaToken() throws Exception {
        Agent agent = startAgent(List.of("agent", "--memory"), Map.of("XAA_IDP_CLIENT_SECRET", IDP_SECRET,
                "XAA_AS_CLIENT_SECRET_NOTES", AS_SECRET, "BROWSER", browserScript(dir.resolve("browser-env-3.txt")).toString()), null);
        agent.banner();
        ok(xaa("", "login", "--timeout", "60"));
        issuer.dpopModes().set(JSON.readTree("{\"asNonce\":true,\"rsNonce\":true}"));
        try {
            McpSyncClient bridge = bridge();
            assertThat(bridge.listTools().tools()).extracting(McpSchema.Tool::name).contains("whoami");
            assertThat(text(bridge.callTool(new McpSchema.CallToolRequest("whoami", Map.of())))).contains("\"sub\":\"alice\"");
        } finally {
            issuer.dpopModes().set(JSON.readTree("{\"reset\":true}"));
        }

        CommandRun token = xaa("", "token", "notes", "--format", "json");
        ok(token);
        JsonNode recipe = JSON.readTree(token.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertThat(recipe.path("token_type").asText()).isEqualTo("DPoP");
        String jkt = recipe.path("jkt").asText();
        assertThat(Files.readAllLines(issuer.auditFile()).stream().map(MemoryAgentTest::json)
                .filter(e -> "mcp-request".equals(e.path("event").asText()) && "allow".equals(e.path("decision").asText())
                        && !Instant.parse(e.path("time").asText()).isBefore(started))) // this test's requests only
                .as("the bridge's MCP requests, as the sample server saw them").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(e -> {
                    assertThat(e.path("dpop").asBoolean()).isTrue();
                    assertThat(e.path("jkt").asText()).isEqualTo(jkt);
                });

        java.net.URI notes = issuer.server("notes");
        String accessToken = recipe.path("access_token").asText();
        String proof = recipe.path("proof").path("DPoP").asText();
        assertThat(recipe.path("proof").path("htu").asText()).isEqualTo(notes.toString());
        assertThat(post(notes, accessToken, proof).statusCode()).as("the recipe's proof, used once").isNotEqualTo(401);
        java.net.http.HttpResponse<String> replay = post(notes, accessToken, proof);
        assertThat(replay.statusCode()).as("the same proof again").isEqualTo(401);
        assertThat(replay.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("DPoP");
        CommandRun next = xaa("", "token", "notes", "--dpop-proof", "POST", notes.toString());
        ok(next);
        String nextProof = next.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(post(notes, accessToken, nextProof).statusCode()).as("the next proof, from the agent").isNotEqualTo(401);

        stop(agent);
        assertThat(String.join("\n", bridgeLog) + read(agent.stderr()))
                .doesNotContain(accessToken, proof, nextProof, "eyJ", IDP_SECRET, AS_SECRET);
    }

    /** An MCP initialize POSTed to {@code url} with {@code Authorization: DPoP token} and {@code proof}. */
    private static java.net.http.HttpResponse<String> post(java.net.URI url, String token, String proof) throws Exception {
        String initialize = BridgeHarness.initialize(1);
        {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(url).header("Authorization", "DPoP " + token)
                    .header("DPoP", proof).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .timeout(Duration.ofSeconds(20))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(initialize)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aBadSecretsLineStopsTheAgentWithoutEchoingIt() throws Exception {
        Path secrets = dir.resolve("bad-secrets.txt");
        Files.writeString(secrets, "idp-client-secret " + IDP_SECRET + "\n");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" 3<\"$SECRETS_FILE\"", "bash"));
        cmd.addAll(CommandRun.xaaCommand("agent", "--memory", "--secrets-fd", "3"));
        Map<String, String> env = env();
        env.put("SECRETS_FILE", secrets.toString());
        CommandRun r = run(cmd, "", env);
        assertThat(r.exit()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).contains("--secrets-fd: line 1 is not `idp-client-secret=SECRET`").doesNotContain(IDP_SECRET);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private record Agent(Process process, Path stderr, BufferedReader out) {
        /** The line after "serving on …" (only a memory agent prints one: read it only from those). */
        String banner() throws IOException {
            return out.readLine();
        }
    }

    /** Starts {@code xaa ARGS}, through bash with {@code redirect} when given (to open a file descriptor). */
    private Agent startAgent(List<String> args, Map<String, String> extraEnv, String redirect) throws Exception {
        Path stderr = Files.createTempFile(dir, "agent", ".err");
        List<String> xaa = CommandRun.xaaCommand(args.toArray(String[]::new));
        xaa.add("-v");
        List<String> cmd = redirect == null ? xaa : new ArrayList<>(List.of("bash", "-c", "exec \"$@\" " + redirect, "bash"));
        if (redirect != null) {
            cmd.addAll(xaa);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().clear();
        pb.environment().putAll(env());
        pb.environment().putAll(extraEnv);
        Process p = Processes.start(pb);
        cleanup.add(() -> Processes.stop(p));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertThat(ready).as(read(stderr)).startsWith("xaa agent: serving on");
        return new Agent(p, stderr, out);
    }

    private static void stop(Agent agent) throws Exception {
        agent.process().destroy(); // SIGTERM
        assertThat(agent.process().waitFor(15, TimeUnit.SECONDS)).isTrue();
    }

    /** A BROWSER that writes its environment to {@code envFile}, then signs alice in at the sample issuer. */
    private static Path browserScript(Path envFile) throws Exception {
        Path signIn = XaaProcess.browserScript(dir, "alice");
        Path browser = dir.resolve("dump-env-" + envFile.getFileName() + ".sh");
        Files.writeString(browser, "#!/bin/sh\nenv > '" + envFile + "'\nexec '" + signIn + "' \"$@\"\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
        return browser;
    }

    private McpSyncClient bridge() {
        // -v: the "using the xaa broker" line is debug detail. The SDK's transport adds env() to the inherited
        // environment: unset the D-Bus address explicitly, so the bridge has no keyring either.
        List<String> cmd = new ArrayList<>(List.of("env", "-u", "DBUS_SESSION_BUS_ADDRESS"));
        cmd.addAll(CommandRun.xaaCommand("bridge", "-v", "notes"));
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).env(env()).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(bridgeLog::add);
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("memory-agent-test", "1"))
                .requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(30))
                .build();
        cleanup.add(client::closeGracefully);
        client.initialize();
        return client;
    }

    /**
     * No file written during this test under the test's HOME (config, cache, state, data, the broker's
     * directory) or its temporary directory (the sample issuer's own state aside) holds any of {@code needles}.
     */
    private void assertNothingSecretOnDisk(List<String> needles) throws IOException {
        List<Path> roots = List.of(Path.of(System.getProperty("user.home")), dir);
        List<String> found = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile)
                        .filter(f -> !f.startsWith(dir.resolve("issuer")))
                        .filter(f -> modifiedSinceStart(f))
                        .forEach(f -> needles.stream().filter(n -> read(f).contains(n))
                                .forEach(n -> found.add(f + " holds " + (n.length() > 12 ? n.substring(0, 6) + "…" : n))));
            }
        }
        assertThat(found).as("files written during the test that hold a token or a secret").isEmpty();
    }

    private boolean modifiedSinceStart(Path f) {
        try {
            return !Files.getLastModifiedTime(f).toInstant().isBefore(started);
        } catch (IOException gone) {
            return false;
        }
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    private static void ok(CommandRun r) {
        assertThat(r.exit()).as(r.out()).isZero();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    private static CommandRun xaa(String stdin, String... args) throws Exception {
        return run(CommandRun.xaaCommand(args), stdin, env());
    }

    /** As {@link CommandRun#run}, with exactly {@code env} (nothing inherited, so no D-Bus address either). */
    private static CommandRun run(List<String> cmd, String stdin, Map<String, String> env) throws Exception {
        return CommandRun.runWithExactly(cmd, stdin, env);
    }

    /** The test JVM's environment without a Secret Service (no D-Bus session bus for any child), on this test's files. */
    private static Map<String, String> env() {
        return CommandRun.withoutSecretService(dir);
    }
}
