package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.Main;
import dev.xaa4j.connector.host.config.ConfigPaths;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.bridge.session.EarlyTokenFetch;
import dev.xaa4j.bridge.session.TokenSourceAuth;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import dev.xaa4j.bridge.proxy.EarlyInitialize;
import dev.xaa4j.bridge.proxy.InitializeCache;
import dev.xaa4j.bridge.proxy.StdioBridge;
import dev.xaa4j.bridge.proxy.UnconfiguredBridge;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
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

    static final String INITIALIZE_BUDGET = "--initialize-budget-ms";
    static final String REQUEST_TIMEOUT = "--request-timeout";
    static final String NO_INITIALIZE_CACHE = "--no-initialize-cache";
    static final String NO_AUTH = "--no-auth";
    static final String INTERACTIVE = "--interactive";
    /** The options that take a value: {@link #serverArgument} steps over their values. */
    static final java.util.Set<String> VALUE_OPTIONS = java.util.Set.of(INITIALIZE_BUDGET, REQUEST_TIMEOUT,
            HeadlessOptions.WORKLOAD);

    /** Started before the command line is parsed (null: none). */
    private final EarlyInitialize early;
    /** The token chain, started before the command line is parsed (null: none). */
    private final EarlyTokenFetch earlyToken;

    BridgeCommand() {
        this(null, null);
    }

    BridgeCommand(EarlyInitialize early, EarlyTokenFetch earlyToken) {
        this.early = early;
        this.earlyToken = earlyToken;
    }

    @Parameters(paramLabel = "SERVER", description = "a configured server name (xaa server list) or an http(s) URL")
    String server;

    @Option(names = INTERACTIVE, description = "may open a browser to sign in when there is no session "
            + "(default: never; tool calls report 'not signed in' instead)")
    boolean interactive;

    @Option(names = HeadlessOptions.WORKLOAD, paramLabel = "SOURCE", description = HeadlessOptions.WORKLOAD_DESCRIPTION)
    String workload;

    @Option(names = NO_AUTH, description = "send no Authorization header (local development servers only)")
    boolean noAuth;

    @Option(names = INITIALIZE_BUDGET, defaultValue = "800", paramLabel = "MS",
            description = "answer initialize locally if the server has not answered within MS (default: ${DEFAULT-VALUE})")
    long initializeBudgetMs;

    @Option(names = NO_INITIALIZE_CACHE, description = "always wait for the server's own answer to initialize "
            + "(default: answer at once with the server's answer from last time, kept in the user's cache directory, "
            + "and connect in the background)")
    boolean noInitializeCache;

    @Option(names = REQUEST_TIMEOUT, defaultValue = "300", paramLabel = "SECONDS",
            description = "give up on a request whose response has not started after SECONDS (default: ${DEFAULT-VALUE}); "
                    + "once it has started (an event stream), the server may take as long as it needs, silent or not")
    long requestTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // Claim the real stdout for JSON-RPC; anything printed through System.out by mistake lands on stderr.
        OutputStream stdout = early != null ? early.stdout() : standardOutput();
        System.setOut(System.err);
        Optional<EarlyTokenFetch.Prepared> prepared = earlyToken == null || noAuth || interactive || workload != null
                ? Optional.empty()
                : earlyToken.take(server);
        XaaConfig config;
        ConfigStore store = null;
        try {
            if (prepared.isPresent()) {
                config = prepared.get().config();
            } else {
                store = ConfigStore.forCurrentUser();
                config = store.load();
            }
        } catch (RuntimeException e) {
            return unconfigured("xaa cannot use its config file" + (store == null ? "" : " " + store.file()) + " ("
                    + firstLine(e.getMessage()) + "): fix it, or move it away and run `xaa idp` and `xaa server add "
                    + "NAME URL` again", stdout);
        }
        if (workload != null) {
            try {
                config = HeadlessOptions.workload(config, server, workload);
            } catch (IllegalArgumentException e) {
                return unconfigured(e.getMessage(), stdout);
            }
        }
        Optional<URI> resolved = config.resolve(server);
        if (resolved.isEmpty()) {
            return unconfigured(unknownServer(server, config), stdout);
        }
        URI endpoint = resolved.get();
        BridgeSettings settings = BridgeSettings.defaults(server, endpoint)
                .withInitializeBudget(Duration.ofMillis(initializeBudgetMs))
                .withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds));
        XaaConfig chosen = config;
        UpstreamAuth auth = noAuth ? UpstreamAuth.none() : workload != null
                ? new dev.xaa4j.bridge.session.TokenSourceAuth(HeadlessOptions.workloadConnector(chosen), false)
                : prepared.map(EarlyTokenFetch.Prepared::auth).orElseGet(() -> standardAuth(chosen, server, null, interactive));
        InitializeCache cache = early != null ? early.cache() : noInitializeCache ? InitializeCache.disabled()
                : InitializeCache.in(ConfigPaths.cacheDir().resolve("initialize"));
        return new StdioBridge(settings, auth, cache, stdout, Main.version()).run(System.in, early);
    }

    /** Nothing to bridge to: the client still gets answers, each saying what to fix ({@link UnconfiguredBridge}). */
    private int unconfigured(String problem, OutputStream stdout) {
        return new UnconfiguredBridge(server, problem, Main.version()).run(System.in, stdout, early);
    }

    /**
     * A command line picocli rejects. At a terminal: the usual message and usage, exit 2. Started by an AI client
     * (no console): the client is answered like an unconfigured bridge ({@link UnconfiguredBridge}), with what to
     * fix in its MCP server entry, and the exit code is 0 at EOF.
     */
    static int usageError(CommandLine.ParameterException e, String[] args, EarlyInitialize early) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("xaa bridge: " + e.getMessage());
        if (System.console() != null) {
            cmd.usage(cmd.getErr());
            return XaaCommand.USAGE;
        }
        OutputStream stdout = early != null ? early.stdout() : standardOutput();
        System.setOut(System.err);
        String problem = e instanceof CommandLine.MissingParameterException
                ? "xaa bridge was started without the MCP server to bridge to (SERVER: a name from `xaa server list` "
                        + "or an http(s) URL); add it to the server's entry in the AI client's MCP configuration "
                        + "(`xaa bridge --help`; `xaa install` writes one)"
                : "xaa bridge was started with arguments it does not accept (" + e.getMessage() + "); fix the "
                        + "server's entry in the AI client's MCP configuration (`xaa bridge --help`; `xaa install` writes one)";
        return new UnconfiguredBridge(serverArgument(args).orElse(String.join(" ", args)), problem, Main.version())
                .run(System.in, stdout, early);
    }

    static String unknownServer(String server, XaaConfig config) {
        String known = config.servers().isEmpty() ? "none configured yet" : "known: " + String.join(", ", config.servers().keySet());
        return (server.contains("://") ? "'" + server + "' is not an http(s) URL, and xaa has no MCP server named '" + server + "'"
                : "xaa has no MCP server named '" + server + "'") + "; run `xaa server add " + server + " URL` (" + known
                + "), or give the bridge the server's http(s) URL";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    private static OutputStream standardOutput() {
        return dev.xaa4j.bridge.StandardOutput.open(1 << 16);
    }

    /**
     * Starts the {@link EarlyInitialize} reader for {@code xaa bridge ARGS}, before picocli parses ARGS, when
     * they plainly name one server and leave the cache on; else null (the bridge then answers by itself).
     */
    static EarlyInitialize startEarly(String[] args) {
        Optional<String> server = serverArgument(args);
        java.nio.file.Path cacheDir = ConfigPaths.cacheDir().resolve("initialize");
        if (server.isEmpty() || !java.nio.file.Files.isDirectory(cacheDir)) {
            return null; // nothing to answer from (a first start): picocli need not wait for the reader
        }
        return EarlyInitialize.start(() -> ConfigStore.forCurrentUser().load().resolve(server.get()),
                () -> InitializeCache.in(cacheDir), System.in, standardOutput());
    }

    /**
     * The bridge's auth: the session's token source ({@link SessionCommands#tokenSource}: the broker if one runs or
     * can be started on demand ({@link AgentAutostart}), else a connector of its own with the session in {@code keyring}, {@code null}: a store of its own).
     */
    static UpstreamAuth standardAuth(XaaConfig config, String server, KeyringCredentialStore keyring, boolean interactive) {
        return new TokenSourceAuth(SessionCommands.tokenSource(config, Optional.of(server), keyring, true), interactive);
    }

    /**
     * Starts the bridge's token chain ({@link EarlyTokenFetch}) for {@code xaa bridge ARGS}, before picocli parses
     * ARGS, when they plainly name one server and ask for the standard auth (no {@code --no-auth}, no
     * {@code --interactive}); else null (the bridge builds its auth itself).
     */
    static EarlyTokenFetch startTokenFetch(String[] args) {
        Optional<String> server = serverArgument(args);
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.startsWith(NO_AUTH) || a.startsWith(INTERACTIVE) || a.startsWith(HeadlessOptions.WORKLOAD)) {
                return null;
            }
        }
        if (server.isEmpty()) {
            return null;
        }
        var keyring = EarlyTokenFetch.connectingKeyring(dev.xaa4j.connector.host.broker.BrokerSocket.defaultPath());
        return EarlyTokenFetch.start(server.get(), () -> ConfigStore.forCurrentUser().load(),
                config -> standardAuth(config, server.get(), keyring, false));
    }

    /**
     * The SERVER among the bridge's arguments, found without picocli: empty when anything could make picocli
     * read them differently or not run the bridge (help, version, combined short options, two positionals,
     * the cache switched off).
     */
    static Optional<String> serverArgument(String[] args) {
        String found = null;
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!optionsEnded && a.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && a.startsWith("-")) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (name.equals(NO_INITIALIZE_CACHE) || name.equals("-h") || name.equals("--help")
                        || name.equals("-V") || name.equals("--version")
                        || (!a.startsWith("--") && a.length() > 2)) {
                    return Optional.empty();
                }
                if (VALUE_OPTIONS.contains(a)) {
                    i++; // its value is the next argument
                }
            } else if (found != null) {
                return Optional.empty();
            } else {
                found = a;
            }
        }
        return Optional.ofNullable(found);
    }
}
