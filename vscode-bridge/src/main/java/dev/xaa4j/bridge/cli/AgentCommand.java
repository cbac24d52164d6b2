package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.host.broker.BrokerAlreadyRunningException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerNotRunningException;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.host.broker.BrokerSocket;
import dev.xaa4j.connector.host.broker.BrokerStatus;
import dev.xaa4j.bridge.engine.MemorySecrets;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xaa agent}: the headless session owner (docs/architecture.md "One session owner per machine"). Runs the engine
 * from the per-user config and serves the broker on the per-user socket until SIGTERM/SIGINT (or stdin closes,
 * with {@code --until-stdin-closes}); bridges started meanwhile take their tokens from it.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the engine headless and serve tokens to bridges over a per-user Unix domain socket.",
                "",
                "One IdP session for every bridge on this machine: bridges use the agent while it runs and fall back "
                        + "to their own engine when it stops. Sign in first with `xaa login` (a login while the agent runs "
                        + "is picked up at once; so is `xaa server add/remove`). Stops on SIGTERM/SIGINT. Socket: $XAA_RUNTIME_DIR, else "
                        + "$XDG_RUNTIME_DIR/xaa4j, else <state dir>/run (a 0700 directory).",
                "",
                "With --memory (or `xaa config session-storage memory`) the session lives only in this process, for "
                        + "machines without an OS keyring (SSH, containers, CI): sign in with `xaa login` while it runs; "
                        + "it ends when the agent stops. Client secrets then come from its environment ("
                        + MemorySecrets.IDP_ENV + ", " + MemorySecrets.AS_ENV_PREFIX + "<SERVER>) or from --secrets-fd, "
                        + "never from the command line."})
final class AgentCommand implements Callable<Integer> {

    @Option(names = "--status", description = "tell whether an agent runs (exit 0) or not (exit 1), then exit")
    boolean status;

    @Option(names = "--until-stdin-closes", description = "also stop when stdin reaches end of file (for supervisors "
            + "that keep a pipe open; not with </dev/null)")
    boolean untilStdinCloses;

    @Option(names = "--memory", description = "keep the session and the client secrets only in this process's memory "
            + "(nothing in the OS keyring or on disk); it ends when the agent stops")
    boolean memory;

    @Option(names = "--secrets-fd", paramLabel = "N", description = "with --memory: read client secrets from file "
            + "descriptor N until end of file, one per line: idp-client-secret=SECRET, as-client-secret.SERVER=SECRET "
            + "(e.g. `xaa agent --memory --secrets-fd 3 3<secrets.txt`)")
    Integer secretsFd;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Path socket = BrokerSocket.defaultPath();
        PrintWriter out = spec.commandLine().getOut();
        if (status) {
            Optional<BrokerStatus> running = runningAgent(socket);
            out.println(running.map(s -> "agent running (pid " + s.pid() + ") on " + socket
                    + s.status().displayName().map(u -> ", signed in as " + u).orElse(", not signed in")
                    + ", session " + SessionOwner.where(s)).orElse("no agent running"));
            out.flush();
            return running.isPresent() ? XaaCommand.OK : XaaCommand.FAILURE;
        }
        Optional<SessionOwner.Memory> inMemory = SessionOwner.memoryMode(memory, secretsFd);
        Served served;
        try {
            served = Served.start(socket, inMemory);
        } catch (BrokerAlreadyRunningException e) {
            String who = runningAgent(socket).map(s -> " (pid " + s.pid() + ")").orElse("");
            throw new BridgeException(Reason.INTERNAL, "an agent or the xaa4j tray app is already running" + who
                    + " on " + socket + ": bridges already share its session");
        }
        Served[] current = {served};
        Object lifecycle = new Object();
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            synchronized (lifecycle) {
                current[0].close();
            }
            stop.countDown();
        }, "xaa-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("xaa agent: serving on " + socket + " (pid " + ProcessHandle.current().pid() + ")");
        inMemory.ifPresent(m -> out.println("xaa agent: the session lives only in the memory of this process (pid "
                + ProcessHandle.current().pid() + ") and ends with it; nothing is stored in the OS keyring or on disk ("
                + m.secrets().count() + " client secret(s) from the environment/--secrets-fd)"));
        out.flush();
        Thread reload = new Thread(() -> followConfig(socket, current, lifecycle, stop, inMemory), "xaa-agent-config");
        reload.setDaemon(true);
        reload.start();
        if (untilStdinCloses) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                stop.countDown();
            }, "xaa-agent-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stop.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
        return XaaCommand.OK;
    }

    /** How often the agent looks at the config file for `xaa server add/remove` and `xaa idp`. */
    static final Duration CONFIG_POLL = Duration.ofSeconds(2);

    /** The engine and the broker serving it; rebuilt together when the configuration changes. */
    private record Served(Connector connector, BrokerServer broker, XaaConfig config) {
        static Served start(Path socket, Optional<SessionOwner.Memory> inMemory) {
            XaaConfig config = ConfigStore.forCurrentUser().load();
            Connector connector = inMemory.map(m -> m.engine(config)).orElseGet(() -> EngineCommands.engine(Optional.empty()));
            // Warned, not refused: the secret may only be needed later (a sign-in, one server), or by no later
            // configuration at all; the agent follows the config file, and it would be gone with a refusal.
            inMemory.ifPresent(m -> m.secrets().missingFor(config).forEach(w -> System.err.println("xaa agent: warning: " + w)));
            try {
                BrokerServer broker = BrokerServer.builder(connector).socket(socket)
                        .sessionStorage(inMemory.isPresent() ? SessionStorage.MEMORY : SessionStorage.KEYRING)
                        .onSignInNeeded(n -> System.err.println("xaa agent: a bridge for '" + n.server()
                                + "' needs a sign-in: run `xaa login`"))
                        .start();
                // Warm the cache so the first bridge answers at once; failures show up in `xaa status`.
                connector.servers().keySet().forEach(name -> connector.tokenAsync(name).exceptionally(e -> null));
                return new Served(connector, broker, config);
            } catch (RuntimeException e) {
                connector.close();
                throw e;
            }
        }

        void close() {
            broker.close();
            connector.close();
        }
    }

    /**
     * Serves the configuration as it is now: when the file changes (a server added or removed, another IdP),
     * the engine and the broker are rebuilt on the same socket. The session stays in the keyring (or in this
     * process's memory, which outlives the rebuild); bridges
     * connected to the old broker see it go, use their own engine for a moment and come back (they look for the
     * broker again every few seconds). A configuration that does not load leaves the running one in place.
     */
    private static void followConfig(Path socket, Served[] current, Object lifecycle, CountDownLatch stop,
                                     Optional<SessionOwner.Memory> inMemory) {
        Path file = ConfigStore.forCurrentUser().file();
        String seen = fingerprint(file);
        while (stop.getCount() > 0) {
            try {
                if (stop.await(CONFIG_POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            String now = fingerprint(file);
            if (now.equals(seen)) {
                continue;
            }
            seen = now;
            synchronized (lifecycle) {
                if (stop.getCount() == 0) {
                    return;
                }
                XaaConfig next;
                try {
                    next = ConfigStore.forCurrentUser().load();
                } catch (RuntimeException e) {
                    System.err.println("xaa agent: ignoring the changed configuration (" + e.getMessage()
                            + "); still serving the previous one");
                    continue;
                }
                if (next.equals(current[0].config())) {
                    continue;
                }
                current[0].close();
                try {
                    current[0] = Served.start(socket, inMemory);
                    System.err.println("xaa agent: configuration changed; serving " + String.join(", ",
                            current[0].connector().servers().keySet()));
                } catch (RuntimeException e) {
                    System.err.println("xaa agent: cannot serve the changed configuration (" + e.getMessage()
                            + "); stopping");
                    stop.countDown();
                    return;
                }
            }
        }
    }

    /** Modification time and size of the config file ("" when it is missing). */
    private static String fingerprint(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The running agent's status, if one answers on {@code socket}. */
    static Optional<BrokerStatus> runningAgent(Path socket) {
        try (BrokerClient c = BrokerClient.connect(socket, BrokerClient.DEFAULT_CONNECT_TIMEOUT)) {
            return Optional.of(c.status());
        } catch (BrokerNotRunningException e) {
            return Optional.empty();
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // only end of file matters
            }
        } catch (IOException ignored) {
            // a broken stdin is as good as a closed one
        }
    }
}
