package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.Main;
import dev.xaa4j.bridge.config.ConfigStore;
import dev.xaa4j.bridge.config.XaaConfig;
import dev.xaa4j.bridge.engine.ConnectorFactory;
import dev.xaa4j.bridge.engine.EngineAuth;
import dev.xaa4j.bridge.engine.SharedSessionAuth;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import dev.xaa4j.bridge.proxy.StdioBridge;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xaa bridge SERVER}: what an AI client launches. stdout is JSON-RPC only from here on. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = {"Serve MCP on stdio and forward every message to SERVER, with enterprise-managed tokens.",
                "",
                "A transparent JSON-RPC proxy to SERVER's Streamable HTTP endpoint: a fresh access token on every "
                        + "request, initialize answered at once even before sign-in, stdout JSON-RPC only, logs on "
                        + "stderr, exit 0 when stdin closes."})
final class BridgeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVER", description = "a configured server name (xaa server list) or an http(s) URL")
    String server;

    @Option(names = "--interactive", description = "may open a browser to sign in when there is no session "
            + "(default: never; tool calls report 'not signed in' instead)")
    boolean interactive;

    @Option(names = "--no-auth", description = "send no Authorization header (local development servers only)")
    boolean noAuth;

    @Option(names = "--initialize-budget-ms", defaultValue = "800", paramLabel = "MS",
            description = "answer initialize locally if the server has not answered within MS (default: ${DEFAULT-VALUE})")
    long initializeBudgetMs;

    @Option(names = "--request-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "give up on a request whose response has not started after SECONDS (default: ${DEFAULT-VALUE})")
    long requestTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        XaaConfig config = ConfigStore.forCurrentUser().load();
        URI endpoint = config.resolve(server).orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "unknown server '" + server
                        + "': add it with `xaa server add " + server + " URL`, or pass the URL"));
        BridgeSettings settings = BridgeSettings.defaults(server, endpoint)
                .withInitializeBudget(Duration.ofMillis(initializeBudgetMs))
                .withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds));
        // Claim the real stdout for JSON-RPC; anything printed through System.out by mistake lands on stderr.
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(System.err);
        UpstreamAuth auth = noAuth ? UpstreamAuth.none()
                : SharedSessionAuth.standard(new EngineAuth(() -> ConnectorFactory.create(config, Optional.of(server)), interactive));
        return new StdioBridge(settings, auth, stdout, Main.version()).run(System.in);
    }
}
