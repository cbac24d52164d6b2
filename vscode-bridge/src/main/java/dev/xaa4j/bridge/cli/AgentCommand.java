package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.broker.BrokerAlreadyRunningException;
import dev.xaa4j.connector.broker.BrokerClient;
import dev.xaa4j.connector.broker.BrokerNotRunningException;
import dev.xaa4j.connector.broker.BrokerServer;
import dev.xaa4j.connector.broker.BrokerSocket;
import dev.xaa4j.connector.broker.BrokerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xaa agent}: the headless session owner (DESIGN.md "One session owner per machine"). Runs the engine
 * from the per-user config and serves the broker on the per-user socket until SIGTERM/SIGINT (or stdin closes,
 * with {@code --until-stdin-closes}); bridges started meanwhile take their tokens from it.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the engine headless and serve tokens to bridges over a per-user Unix domain socket.",
                "",
                "One IdP session for every bridge on this machine: bridges use the agent while it runs and fall back "
                        + "to their own engine when it stops. Sign in first with `xaa login` (a login while the agent runs "
                        + "is picked up at once). Stops on SIGTERM/SIGINT. Socket: $XAA_RUNTIME_DIR, else "
                        + "$XDG_RUNTIME_DIR/xaa4j, else <state dir>/run (a 0700 directory)."})
final class AgentCommand implements Callable<Integer> {

    @Option(names = "--status", description = "tell whether an agent runs (exit 0) or not (exit 1), then exit")
    boolean status;

    @Option(names = "--until-stdin-closes", description = "also stop when stdin reaches end of file (for supervisors "
            + "that keep a pipe open; not with </dev/null)")
    boolean untilStdinCloses;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Path socket = BrokerSocket.defaultPath();
        PrintWriter out = spec.commandLine().getOut();
        if (status) {
            Optional<BrokerStatus> running = runningAgent(socket);
            out.println(running.map(s -> "agent running (pid " + s.pid() + ") on " + socket
                    + s.status().user().map(u -> ", signed in as " + u).orElse(", not signed in")).orElse("no agent running"));
            out.flush();
            return running.isPresent() ? XaaCommand.OK : XaaCommand.FAILURE;
        }
        Connector connector = EngineCommands.engine(Optional.empty());
        BrokerServer broker;
        try {
            broker = BrokerServer.builder(connector).socket(socket)
                    .onSignInNeeded(n -> System.err.println("xaa agent: a bridge for '" + n.server()
                            + "' needs a sign-in: run `xaa login`"))
                    .start();
        } catch (BrokerAlreadyRunningException e) {
            connector.close();
            String who = runningAgent(socket).map(s -> " (pid " + s.pid() + ")").orElse("");
            throw new BridgeException(Reason.INTERNAL, "an agent or the xaa4j tray app is already running" + who
                    + " on " + socket + ": bridges already share its session");
        }
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            broker.close();
            connector.close();
            stop.countDown();
        }, "xaa-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // Warm the cache so the first bridge answers at once; failures show up in `xaa status`.
        connector.servers().keySet().forEach(name -> connector.tokenAsync(name).exceptionally(e -> null));
        out.println("xaa agent: serving on " + socket + " (pid " + ProcessHandle.current().pid() + ")");
        out.flush();
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
