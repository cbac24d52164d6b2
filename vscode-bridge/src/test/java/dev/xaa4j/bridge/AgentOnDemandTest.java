package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 point 2, the agent started on demand, as real processes against the sample issuer (real HTTP, real OS
 * keyring in {@code .ci/with-keyring}): with no agent running, {@code xaa token} and the bridge start one in the
 * background (gpg-agent style) and are answered by it; many at once end with one; it exits when idle; it can be
 * switched off by environment, by config and by the organization's policy. Each test has its own socket directory
 * and state directory (the agent's log), and kills the agents it started. The issuer's audit is the witness of
 * how many token exchanges there were; {@code /proc} tells which processes are agents of this test (Linux).
 */
@Tag("slow")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentOnDemandTest extends KeyringIssuer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUN = new AtomicInteger();
    /** This test's socket and state directories. */
    private Path runtimeDir;
    private Path stateDir;

    @BeforeAll
    static void signIn() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "finds the agent processes through /proc");
        configureNotes((stdin, args) -> CommandRun.runWithExactly(CommandRun.xaaCommand(args), stdin,
                env(dir.resolve("run-login"), dir.resolve("state-login"), Map.of())));
        CommandRun login = CommandRun.runWithExactly(CommandRun.xaaCommand("login", "--timeout", "60"), "",
                env(dir.resolve("run-login"), dir.resolve("state-login"), Map.of("BROWSER",
                        XaaProcess.browserScript(dir, "alice").toString())));
        XaaProcess.ok(login);
    }

    @AfterAll
    static void signOut() throws Exception {
        if (issuer != null) {
            CommandRun.runWithExactly(CommandRun.xaaCommand("logout"), "", env(dir.resolve("run-login"), dir.resolve("state-login"), Map.of()));
        }
    }

    @BeforeEach
    void ownDirectories() {
        int n = RUN.incrementAndGet();
        runtimeDir = dir.resolve("run-" + n);
        stateDir = dir.resolve("state-" + n);
    }

    @AfterEach
    void killAgents() {
        List<ProcessHandle> agents = agents();
        agents.forEach(ProcessHandle::destroy);
        agents.forEach(a -> a.onExit().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> {
            a.destroyForcibly();
            return a;
        }).join());
    }

    @Test
    void xaaTokenStartsTheAgentAndTheNextTokenIsAnsweredByTheSameOne() throws Exception {
        Map<String, Long> before = audit();
        CommandRun first = xaa("", Map.of("XAA_IDP_CLIENT_SECRET", "not-for-the-agent"), "token", "notes");
        XaaProcess.ok(first);
        assertThat(first.out()).contains("Authorization: ");
        List<ProcessHandle> agents = agents();
        assertThat(agents).as("one agent, started by the first command\n" + first.out() + "\n" + read(agentLog())).hasSize(1);
        long pid = agents.get(0).pid();
        assertThat(xaa("", Map.of(), "agent", "--status").out())
                .contains("agent running (pid " + pid + ", started on demand, exits after 10 min idle)");

        XaaProcess.ok(xaa("", Map.of(), "token", "notes"));
        assertThat(agents()).extracting(ProcessHandle::pid).containsExactly(pid);
        assertThat(delta(before, audit()).get("token-exchange")).as("one exchange, by the agent, for both commands")
                .isEqualTo(1);

        assertThat(xaa("", Map.of(), "status").out())
                .contains("agent: running (pid " + pid + ", started on demand, exits after 10 min idle, since");
        JsonNode agent = JSON.readTree(xaa("", Map.of(), "status", "--json").out()).path("agent");
        assertThat(agent.path("onDemand").asBoolean()).isTrue();
        assertThat(agent.path("idleExitSeconds").asLong()).isEqualTo(600);

        String log = Files.readString(agentLog());
        if (agentLog().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(agentLog())))
                    .as("the log names the user and the servers: the user's only").isEqualTo("rw-------");
        }
        assertThat(log).contains("started on demand by pid", "xaa agent: serving on " + runtimeDir.resolve("broker.sock"));
        assertThat(log).as("no secret in the agent's log").doesNotContain("eyJ", SampleIssuers.IDP_SECRET,
                SampleIssuers.AS_SECRET, first.out().lines().filter(l -> l.startsWith("Authorization: ")).findFirst()
                        .orElseThrow().replaceFirst("Authorization: \\S+ ", ""));
        assertThat(environ(agents.get(0))).as("secret variables stay with the starter")
                .doesNotContain("XAA_IDP_CLIENT_SECRET").contains("XAA_RUNTIME_DIR=" + runtimeDir);
    }

    @Test
    void threeBridgesAndThreeTokenCommandsStartedAtOnceEndWithOneAgent() throws Exception {
        Map<String, Long> before = audit();
        List<CompletableFuture<String>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            boolean bridge = i % 2 == 0;
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    if (bridge) {
                        BridgeSession b = bridgeSession();
                        assertThat(b.lastMessage()).as(b.err()).contains("\\\"sub\\\":\\\"alice\\\"");
                        return b.err();
                    }
                    CommandRun token = xaa("", Map.of(), "token", "notes");
                    XaaProcess.ok(token);
                    return token.out();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        StringBuilder outputs = new StringBuilder();
        for (CompletableFuture<String> r : runs) {
            outputs.append(r.get(120, TimeUnit.SECONDS)).append('\n');
        }
        assertThat(agents()).as("exactly one agent process\n" + outputs).hasSize(1);
        assertThat(Files.readAllLines(agentLog())).as("started once").filteredOn(l -> l.contains("started on demand by pid"))
                .hasSize(1);
        assertThat(outputs.toString()).doesNotContain("could not start the xaa agent");
        assertThat(delta(before, audit()).get("token-exchange")).as("one exchange for six commands").isEqualTo(1);
    }

    @Test
    void theBridgeStartsTheAgentAndItsStdoutCarriesOnlyJsonRpc() throws Exception {
        BridgeSession b = bridgeSession();
        assertThat(b.messages()).extracting(m -> m.path("jsonrpc").asText()).containsOnly("2.0");
        assertThat(b.lastMessage()).as(b.err()).contains("\\\"sub\\\":\\\"alice\\\"");
        assertThat(b.err()).contains("using the xaa broker");
        assertThat(agents()).as("the agent outlives the bridge").hasSize(1);
        assertThat(Files.readString(agentLog())).doesNotContain("eyJ");
    }

    @Test
    void theLauncherStartsTheAgentThroughItselfWithItsJvmOptions() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("launcher-" + RUN.get()));
        Path launcher = bin.resolve("xaa");
        Files.copy(Path.of("src/main/launcher/xaa"), launcher);
        launcher.toFile().setExecutable(true, true);
        LauncherTest.writeManifestJar(bin.resolve("xaa.jar"));
        Map<String, String> env = env(runtimeDir, stateDir, Map.of("JAVA_HOME", System.getProperty("java.home")));
        CommandRun token = CommandRun.runWithExactly(List.of(launcher.toString(), "token", "notes"), "", env);
        XaaProcess.ok(token);
        List<ProcessHandle> agents = agents();
        assertThat(agents).as(token.out() + read(agentLog())).hasSize(1);
        List<String> args = proc(agents.get(0), "cmdline").lines().toList();
        assertThat(args).as("the launcher's JVM options and jar").contains("-Dxaa.launcher=" + launcher,
                "-Dxaa.stdout.fd=3", "-XX:+UseSerialGC", "-jar", bin.resolve("xaa.jar").toString());
        assertThat(String.join(" ", args)).endsWith("agent --on-demand --idle-exit 600000ms");
        assertThat(read(agentLog())).contains("xaa agent: serving on").doesNotContain("eyJ");
    }

    @Test
    void anIdleAgentExitsAndRemovesItsSocket() throws Exception {
        XaaProcess.ok(xaa("", Map.of("XAA_AGENT_IDLE_EXIT", "2s"), "token", "notes"));
        List<ProcessHandle> agents = agents();
        assertThat(agents).hasSize(1);
        assertThat(xaa("", Map.of(), "agent", "--status").out()).contains("started on demand, exits after 2 s idle");
        Awaitility.await("the idle agent exits").atMost(Duration.ofSeconds(30)).until(() -> !agents.get(0).isAlive());
        assertThat(runtimeDir.resolve("broker.sock")).doesNotExist();
        assertThat(Files.readString(agentLog())).contains("no bridge and no request for 2 s: stopping");
    }

    @Test
    void anAgentFindingTheBrokerLockHeldByOneThatIsStoppingServesOnceItIsGone() throws Exception {
        Files.createDirectories(runtimeDir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path err = Files.createTempFile(dir, "agent", ".err");
        Process agent;
        // the lock of a broker that has already removed its socket (closing its connections, say): no answer
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(runtimeDir.resolve("broker.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = lock.lock()) {
            ProcessBuilder pb = new ProcessBuilder(CommandRun.xaaCommand("agent", "--on-demand")).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env(runtimeDir, stateDir, Map.of()));
            agent = pb.start();
            Awaitility.await("the agent waits for the lock's holder").atMost(Duration.ofSeconds(30))
                    .until(() -> read(err).contains("is stopping; waiting for it to go") || !agent.isAlive());
            assertThat(agent.isAlive()).as("still trying, not exited\n" + read(err)).isTrue();
        }
        Awaitility.await("the agent serves once the lock is free").atMost(Duration.ofSeconds(30))
                .until(() -> xaa("", Map.of(), "agent", "--status").exit() == 0 || !agent.isAlive());
        assertThat(xaa("", Map.of(), "agent", "--status").out()).as(read(err))
                .contains("agent running (pid " + agent.pid() + ", started on demand");
    }

    @Test
    void anAgentWithAConnectedBridgeStaysPastItsIdleExitAndExitsOnceTheBridgeIsGone() throws Exception {
        Path err = Files.createTempFile(dir, "bridge", ".err");
        ProcessBuilder pb = new ProcessBuilder(CommandRun.xaaCommand("bridge", "-v", "notes", "--no-initialize-cache"))
                .redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env(runtimeDir, stateDir, Map.of("XAA_AGENT_IDLE_EXIT", "2s")));
        Process bridge = pb.start();
        try {
            OutputStream in = bridge.getOutputStream();
            in.write((BridgeHarness.initialize(1) + "\n" + BridgeHarness.initialized() + "\n"
                    + BridgeHarness.call(2, "whoami", "{}") + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(bridge.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the bridge answers whoami\n" + read(err)).isNotNull();
            } while (!line.contains("\"id\":2"));
            List<ProcessHandle> agents = agents();
            assertThat(agents).as(read(err)).hasSize(1);
            Awaitility.await("three idle periods with the bridge connected and silent").pollDelay(Duration.ofSeconds(6))
                    .atMost(Duration.ofSeconds(30)).until(() -> true);
            assertThat(agents.get(0).isAlive()).as("a connected bridge keeps it\n" + read(agentLog())).isTrue();
            in.close(); // the AI client goes: the bridge exits, its connection closes
            assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Awaitility.await("the agent exits once idle").atMost(Duration.ofSeconds(30)).until(() -> !agents.get(0).isAlive());
            assertThat(runtimeDir.resolve("broker.sock")).doesNotExist();
        } finally {
            bridge.destroyForcibly();
        }
    }

    @Test
    void noAgentIsStartedWhenSwitchedOffByEnvironmentOrConfig() throws Exception {
        Map<String, Long> before = audit();
        XaaProcess.ok(xaa("", Map.of("XAA_AGENT", "off"), "token", "notes"));
        assertThat(agents()).as("XAA_AGENT=off").isEmpty();

        XaaProcess.ok(xaa("", Map.of(), "config", "agent", "off"));
        try {
            assertThat(xaa("", Map.of(), "config", "agent").out().strip()).isEqualTo("off");
            XaaProcess.ok(xaa("", Map.of(), "token", "notes"));
            assertThat(agents()).as("xaa config agent off").isEmpty();
            assertThat(xaa("", Map.of(), "status").out()).contains("agent: not running (not started on demand: "
                    + "the configuration says agent off");
            assertThat(delta(before, audit()).get("token-exchange")).as("each command its own exchange").isEqualTo(2);
        } finally {
            XaaProcess.ok(xaa("", Map.of(), "config", "agent", "on"));
        }
        assertThat(agentLog()).doesNotExist();
    }

    @Test
    void aPolicyLockingTheAgentOffRefusesToSwitchItOn() throws Exception {
        Path policy = dir.resolve("policy-agent-off.json");
        Files.writeString(policy, "{\"agent\": false, \"locked\": [\"agent\"]}");
        Map<String, String> managed = Map.of("XAA_POLICY", policy.toString());
        CommandRun on = xaa("", managed, "config", "agent", "on");
        assertThat(on.exit()).as(on.out()).isEqualTo(2);
        assertThat(on.out()).contains("managed by your organization", policy.toString());

        XaaProcess.ok(xaa("", managed, "token", "notes"));
        assertThat(agents()).isEmpty();
        JsonNode setting = JSON.readTree(xaa("", managed, "status", "--json").out()).path("settings").path("agent");
        assertThat(setting.path("value").asText()).isEqualTo("off");
        assertThat(setting.path("source").asText()).isEqualTo("policy");
        assertThat(setting.path("locked").asBoolean()).isTrue();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** What an AI client saw of one bridge: its stdout messages (each line parsed as JSON) and its stderr. */
    private record BridgeSession(List<JsonNode> messages, String err) {
        String lastMessage() {
            return messages.isEmpty() ? "(no message)" : messages.get(messages.size() - 1).toString();
        }
    }

    /**
     * {@code xaa bridge -v notes} as an AI client runs it: initialize, initialized, whoami, then end of stdin; its
     * stdout read to the end (only the bridge may hold it: an agent holding a copy would keep this read open) and
     * every line parsed as one JSON-RPC message.
     */
    private BridgeSession bridgeSession() throws Exception {
        Path err = Files.createTempFile(dir, "bridge", ".err");
        ProcessBuilder pb = new ProcessBuilder(CommandRun.xaaCommand("bridge", "-v", "notes", "--no-initialize-cache"))
                .redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env(runtimeDir, stateDir, Map.of()));
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write((BridgeHarness.initialize(1) + "\n" + BridgeHarness.initialized() + "\n"
                        + BridgeHarness.call(2, "whoami", "{}") + "\n").getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<JsonNode> messages = new ArrayList<>();
            for (String line : out.lines().toList()) {
                messages.add(BridgeHarness.JSON.readTree(line)); // each line one JSON-RPC message, nothing else
            }
            return new BridgeSession(messages, Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }

    /** The live agents of this test: processes started with --on-demand whose socket directory is this test's. */
    private List<ProcessHandle> agents() {
        String mine = "XAA_RUNTIME_DIR=" + runtimeDir;
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> proc(h, "cmdline").lines().toList().containsAll(List.of("agent", "--on-demand")))
                .filter(h -> environ(h).lines().anyMatch(mine::equals)).toList();
    }

    /** The process's environment as NAME=VALUE lines ("" when it cannot be read). */
    private static String environ(ProcessHandle h) {
        return proc(h, "environ");
    }

    /** {@code /proc/PID/FILE} with its NUL separators as line ends ("" when it cannot be read: gone, or not ours). */
    private static String proc(ProcessHandle h, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), file)), StandardCharsets.UTF_8)
                    .replace('\0', '\n');
        } catch (IOException | SecurityException gone) {
            return "";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + ": " + e + ")";
        }
    }

    private Path agentLog() {
        return stateDir.resolve("xaa4j").resolve("agent.log");
    }

    private CommandRun xaa(String stdin, Map<String, String> extra, String... args) throws Exception {
        return CommandRun.runWithExactly(CommandRun.xaaCommand(args), stdin, env(runtimeDir, stateDir, extra));
    }

    /** The test JVM's environment with autostart allowed, this class's config and the given socket and state dirs. */
    private static Map<String, String> env(Path runtimeDir, Path stateDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("XAA_AGENT"); // the build switches it off for every other test
        env.keySet().removeIf(k -> k.startsWith("XAA_IDP_") || k.startsWith("XAA_SERVER_") || k.startsWith("XAA_AS_"));
        env.put("XAA_CONFIG", dir.resolve("config.json").toString());
        env.put("XAA_RUNTIME_DIR", runtimeDir.toString());
        env.put("XDG_STATE_HOME", stateDir.toString());
        env.putAll(extra);
        return env;
    }

}
