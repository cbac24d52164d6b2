package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.Main;
import dev.xaa4j.bridge.session.MemorySecrets;
import dev.xaa4j.connector.host.broker.AgentLauncher;
import dev.xaa4j.connector.host.broker.AgentLifetime;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerNotRunningException;
import dev.xaa4j.connector.host.broker.BrokerSocket;
import dev.xaa4j.connector.host.config.ConfigPaths;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * When and how a command starts {@code xaa agent} on demand (docs/architecture.md "One session owner per machine"):
 * the bridge, {@code xaa token} and {@code xaa status --check}, when no session owner runs, unless it is switched
 * off ({@code XAA_AGENT=off} for one process, {@code "agent": false} in the config or the policy), the session lives
 * only in memory (that agent holds secrets the user starts it with), nothing is set up, or the run is headless
 * ({@code --workload}, which never uses a session). The agent is this build: the launcher of {@code XAA_LAUNCHER}
 * or {@code xaa.launcher} (the distribution's, with its JVM and AppCDS options), else this JVM and class path.
 * Stateless.
 */
final class AgentAutostart {

    /** How long an agent started on demand stays without a bridge or a request: 10 min. */
    static final Duration DEFAULT_IDLE_EXIT = Duration.ofMinutes(10);
    /** {@code XAA_AGENT=off}: this process never starts an agent. */
    static final String SWITCH_ENV = "XAA_AGENT";
    /** {@code XAA_AGENT_IDLE_EXIT=30s}: the idle exit of an agent this process starts (tests, benchmarks). */
    static final String IDLE_ENV = "XAA_AGENT_IDLE_EXIT";
    /** The agent's log, in the per-user state directory. */
    static final String LOG_NAME = "agent.log";

    private AgentAutostart() {
    }

    /** Why this process must not start an agent for {@code config}, or empty when it may. */
    static Optional<String> off(XaaConfig config, Map<String, String> env) {
        String flag = env.getOrDefault(SWITCH_ENV, "").strip().toLowerCase(Locale.ROOT);
        if (flag.equals("off") || flag.equals("false") || flag.equals("0")) {
            return Optional.of(SWITCH_ENV + "=" + env.get(SWITCH_ENV));
        }
        if (!config.agent()) {
            return Optional.of("the configuration says agent off");
        }
        if (config.sessionStorage() == SessionStorage.MEMORY) {
            return Optional.of("the session lives only in the memory of an agent started with " + SessionOwner.START_AGENT);
        }
        return ConnectorFactory.servable(config) ? Optional.empty() : Optional.of(ConnectorFactory.NOT_SET_UP);
    }

    /**
     * How the token source of {@code config} reaches the broker: connect to a running one, else (when {@link #off}
     * allows) start the agent and connect to it. A failed start is told on stderr once (the command then gets its
     * tokens itself) and never fails the command.
     */
    static Supplier<BrokerClient> connect(XaaConfig config) {
        Map<String, String> env = System.getenv();
        if (off(config, env).isPresent()) {
            return BrokerClient::connect;
        }
        AgentLauncher launcher = new AgentLauncher(BrokerSocket.defaultPath(), command(idleExit(env)),
                ConfigPaths.stateDir().resolve(LOG_NAME), AgentLauncher.START_WAIT,
                name -> MemorySecrets.isSecretVariable(name) || name.equals(IDLE_ENV));
        AtomicBoolean told = new AtomicBoolean();
        return () -> {
            try {
                return launcher.connect();
            } catch (BrokerNotRunningException e) {
                launcher.failure().filter(f -> told.compareAndSet(false, true)).ifPresent(f -> System.err.println(
                        "xaa: " + f + "; this process gets its tokens itself (`xaa config agent off` stops trying)"));
                throw e;
            }
        };
    }

    /** The idle exit an agent started now gets: {@value #IDLE_ENV} when set and valid, else 10 min. */
    static Duration idleExit(Map<String, String> env) {
        String v = env.get(IDLE_ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_IDLE_EXIT;
        }
        try {
            return AgentLifetime.parse(v);
        } catch (IllegalArgumentException e) {
            System.err.println("xaa: ignoring " + IDLE_ENV + " (" + e.getMessage() + "): the agent exits after "
                    + describe(DEFAULT_IDLE_EXIT) + " idle");
            return DEFAULT_IDLE_EXIT;
        }
    }

    /** The agent's command line: the launcher's when one is known, else this JVM's. No secret on it. */
    static List<String> command(Duration idleExit) {
        List<String> agent = List.of("agent", "--on-demand", "--idle-exit", idleExit.toMillis() + "ms");
        String launcher = Optional.ofNullable(System.getenv("XAA_LAUNCHER")).filter(s -> !s.isBlank())
                .orElse(System.getProperty("xaa.launcher"));
        List<String> cmd = new ArrayList<>();
        if (launcher != null && !launcher.isBlank()) {
            cmd.add(Path.of(launcher).toAbsolutePath().toString());
        } else {
            String classPath = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                    .split(File.pathSeparator)).map(p -> Path.of(p).toAbsolutePath().toString()).toList());
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-Xss512k", "-Xmx256m", "-cp", classPath, Main.class.getName()));
        }
        cmd.addAll(agent);
        return cmd;
    }

    /** {@code d} for a person ("10 min"). */
    static String describe(Duration d) {
        return AgentLifetime.words(d);
    }
}
