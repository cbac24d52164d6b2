package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.bridge.session.MemorySecrets;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.host.SessionHost;
import dev.xaa4j.connector.host.broker.AgentLauncher;
import dev.xaa4j.connector.host.broker.AgentLifetime;
import dev.xaa4j.connector.host.broker.BrokerAlreadyRunningException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerException;
import dev.xaa4j.connector.host.broker.BrokerNotRunningException;
import dev.xaa4j.connector.host.broker.BrokerSocket;
import dev.xaa4j.connector.host.broker.BrokerStatus;
import dev.xaa4j.connector.host.broker.IdleWatch;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.host.config.SessionStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xaa agent}: the headless session owner (docs/architecture.md "One session owner per machine"). Hosts the
 * connector of the per-user config and serves the broker on the per-user socket ({@link SessionHost}) until
 * SIGTERM/SIGINT (or stdin closes, with {@code --until-stdin-closes}); bridges started meanwhile take their tokens
 * from it. It follows the config file and the organization's policy: a server added or removed is applied to the
 * running connector.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Hold the sign-in headless and serve tokens to bridges over a per-user Unix domain socket.",
                "",
                "One IdP session for every bridge on this machine: bridges use the agent while it runs and fall back "
                        + "to a connector of their own when it stops. Sign in first with `xaa login` (a login while the agent runs "
                        + "is picked up at once; so is `xaa server add/remove`). Stops on SIGTERM/SIGINT. Socket: $XAA_RUNTIME_DIR, else "
                        + "$XDG_RUNTIME_DIR/xaa4j, else <state dir>/run (a 0700 directory).",
                "",
                "With --memory (or `xaa config session-storage memory`) the session lives only in this process, for "
                        + "machines without an OS keyring (SSH, containers, CI): sign in with `xaa login` while it runs; "
                        + "it ends when the agent stops. Client secrets then come from its environment ("
                        + MemorySecrets.IDP_ENV + ", " + MemorySecrets.AS_ENV_PREFIX + "<SERVER>) or from --secrets-fd, "
                        + "never from the command line.",
                "",
                "When no agent or tray app runs, the first bridge or `xaa token` that needs a token starts one "
                        + "(--on-demand; it exits after 10 min without a bridge or a request; output to agent.log in the "
                        + "state directory). Switch that off with `xaa config agent off`, or XAA_AGENT=off for one process."})
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

    @Option(names = "--on-demand", description = "started by a command that needed a token (see `xaa config agent`): "
            + "exits after --idle-exit (default 10 min) idle, and quietly when another agent already runs")
    boolean onDemand;

    @Option(names = "--idle-exit", paramLabel = "DURATION", description = "exit after DURATION without a connected bridge "
            + "or a request (e.g. 30s, 10m, 1h; default: never, or 10 min with --on-demand)")
    String idleExit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Path socket = BrokerSocket.defaultPath();
        PrintWriter out = spec.commandLine().getOut();
        if (status) {
            Optional<BrokerStatus> running = runningAgent(socket);
            out.println(running.map(s -> "agent running (pid " + s.pid() + s.lifetime().describe() + ") on " + socket
                    + s.status().displayName().map(u -> ", signed in as " + u).orElse(", not signed in")
                    + ", session " + SessionOwner.where(s)).orElse("no agent running"));
            out.flush();
            return running.isPresent() ? XaaCommand.OK : XaaCommand.FAILURE;
        }
        AgentLifetime lifetime = new AgentLifetime(onDemand, idleExit != null ? Optional.of(AgentLifetime.parse(idleExit))
                : onDemand ? Optional.of(AgentAutostart.DEFAULT_IDLE_EXIT) : Optional.empty());
        Optional<SessionOwner.Memory> inMemory = SessionOwner.memoryMode(memory, secretsFd);
        if (onDemand && inMemory.isPresent()) {
            throw new IllegalArgumentException("an agent started on demand never keeps the session in memory: start it "
                    + "yourself with " + SessionOwner.START_AGENT);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Optional<IdleWatch> idle = lifetime.idleExit().map(d -> new IdleWatch(d, why -> {
            System.err.println("xaa agent: " + why + ": stopping");
            stop.countDown();
        }));
        SessionHost host = host(socket, inMemory, lifetime, idle);
        try {
            host.reload().orElseThrow(SessionCommands::notSetUp); // nothing to serve without an IdP or a server
        } catch (RuntimeException e) {
            host.close();
            idle.ifPresent(IdleWatch::close);
            throw e;
        }
        if (onDemand && host.brokerProblem().orElse(null) instanceof BrokerAlreadyRunningException
                && !serveOnceTheHolderIsGone(host, socket)) {
            host.close();
            idle.ifPresent(IdleWatch::close);
            System.err.println("xaa agent: another agent or the tray app already serves " + socket + "; exiting");
            return XaaCommand.OK;
        }
        if (host.brokerProblem().isPresent()) {
            host.close();
            idle.ifPresent(IdleWatch::close);
            RuntimeException problem = host.brokerProblem().get();
            if (!(problem instanceof BrokerAlreadyRunningException)) {
                throw problem;
            }
            String who = runningAgent(socket).map(s -> " (pid " + s.pid() + ")").orElse("");
            throw new BridgeException(Reason.INTERNAL, "an agent or the xaa4j tray app is already running" + who
                    + " on " + socket + ": bridges already share its session");
        }
        Thread hook = new Thread(() -> {
            idle.ifPresent(IdleWatch::close);
            host.close();
            stop.countDown();
        }, "xaa-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("xaa agent: serving on " + socket + " (pid " + ProcessHandle.current().pid() + lifetime.describe() + ")");
        inMemory.ifPresent(m -> out.println("xaa agent: the session lives only in the memory of this process (pid "
                + ProcessHandle.current().pid() + ") and ends with it; nothing is stored in the OS keyring or on disk ("
                + m.secrets().count() + " client secret(s) from the environment/--secrets-fd)"));
        out.flush();
        host.onApplied(applied -> {
            if (applied.connector().isEmpty()) {
                System.err.println("xaa agent: cannot serve the changed configuration (" + ConnectorFactory.NOT_SET_UP
                        + "); stopping");
                stop.countDown();
            } else if (applied.rebuilt() || !applied.added().isEmpty() || !applied.removed().isEmpty()) {
                System.err.println("xaa agent: configuration changed; serving " + String.join(", ",
                        applied.connector().map(c -> c.servers().keySet()).orElse(java.util.Set.of()))
                        + (applied.managedAdded().isEmpty() ? ""
                        : "; added by your organization: " + String.join(", ", applied.managedAdded())));
            }
        });
        host.onBroker(problem -> problem.ifPresent(e -> {
            System.err.println("xaa agent: cannot serve the changed configuration (" + e.getMessage() + "); stopping");
            stop.countDown();
        }));
        host.follow(CONFIG_POLL, e -> System.err.println("xaa agent: ignoring the changed configuration ("
                + e.getMessage() + "); still serving the previous one"));
        if (untilStdinCloses) {
            DaemonThreads.start(() -> {
                drain(System.in);
                stop.countDown();
            }, "xaa-agent-stdin");
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

    /**
     * The agent's session host: the connector of the per-user config (session in the keyring, or in this process's
     * memory with the secrets it was started with) served on {@code socket}; every server warmed at once so the
     * first bridge is answered from the cache. A memory agent warns about each client secret a configuration needs
     * and it lacks: warned, not refused, since the secret may only be needed later (a sign-in, one server), or by
     * no later configuration at all.
     */
    private static SessionHost host(Path socket, Optional<SessionOwner.Memory> inMemory, AgentLifetime lifetime,
                                    Optional<IdleWatch> idle) {
        ConfigStore store = ConfigStore.forCurrentUser();
        SessionHost[] self = new SessionHost[1];
        java.util.function.UnaryOperator<Connector.Builder> settings = inMemory
                .<java.util.function.UnaryOperator<Connector.Builder>>map(m -> b -> m.settings(b, () -> self[0].config()))
                .orElse(b -> b);
        SessionHost host = new SessionHost(store, settings, true);
        host.serve(new SessionHost.Broker(socket, inMemory.isPresent() ? SessionStorage.MEMORY : SessionStorage.KEYRING,
                n -> System.err.println("xaa agent: a bridge for '" + n.server() + "' needs a sign-in: run `xaa login`"),
                lifetime, idle));
        self[0] = host;
        inMemory.ifPresent(m -> host.onApplied(applied -> m.secrets().missingFor(applied.config())
                .forEach(w -> System.err.println("xaa agent: warning: " + w))));
        return host;
    }

    /**
     * An agent started on demand that finds the broker lock held: when a broker answers on {@code socket}, it serves
     * everyone (false: this agent exits). Otherwise the holder is closing (an idle exit, a stand-down: the socket
     * goes before the lock), so this agent tries again every 100 ms for up to {@link AgentLauncher#START_WAIT}, the
     * time its starter waits (true: it serves now).
     */
    static boolean serveOnceTheHolderIsGone(SessionHost host, Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + AgentLauncher.START_WAIT.toNanos();
        boolean told = false;
        while (!answers(socket) && System.nanoTime() - deadline < 0) {
            if (!told) {
                System.err.println("xaa agent: the broker on " + socket + " is stopping; waiting for it to go");
                told = true;
            }
            Thread.sleep(100);
            if (host.serveAgain()) {
                return true;
            }
        }
        return false;
    }

    private static boolean answers(Path socket) {
        try {
            return runningAgent(socket).isPresent();
        } catch (BrokerException noAnswer) {
            return false;
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
