package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.bridge.engine.ConnectorFactory;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerException;
import dev.xaa4j.connector.host.broker.BrokerNotRunningException;
import dev.xaa4j.connector.host.broker.BrokerStatus;
import dev.xaa4j.connector.host.broker.UnknownServerException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that drive the embedded connector engine: sign-in, sign-out, status, tokens, secrets. Each
 * builds the engine from the per-user config, does one thing and closes it. Failures are the engine's typed
 * exceptions, mapped to exit codes by {@link XaaCommand}.
 */
final class EngineCommands {

    /** The keyring service the engine reads its session and client secrets from (Connector's default). */
    static final String KEYRING_SERVICE = "xaa4j";

    private EngineCommands() {
    }

    /**
     * The engine for the per-user config. Needs only the IdP: sign-in, sign-out and the status work before any
     * server is added.
     *
     * @throws BridgeException sign-in required with {@link ConnectorFactory#NOT_SET_UP} when no IdP is configured
     */
    static Connector engine(Optional<String> adHocServer) {
        return ConnectorFactory.create(ConfigStore.forCurrentUser().load(), adHocServer);
    }

    /** Whether an IdP is configured (else nobody can be signed in). */
    static boolean setUp() {
        return ConnectorFactory.idp(ConfigStore.forCurrentUser().load()).isPresent();
    }

    /** SERVER as a configured name or an http(s) URL; anything else is a usage error naming the next command. */
    static void requireServer(XaaConfig config, String server) {
        if (config.resolve(server).isEmpty()) {
            throw new IllegalArgumentException("unknown server '" + server + "': `xaa server list` shows the "
                    + "configured ones; `xaa server add " + server + " URL` adds it");
        }
    }

    /** The running broker (the tray app or {@code xaa agent}), if any; problems other than "none runs" are logged. */
    static Optional<BrokerClient> broker() {
        try {
            return Optional.of(BrokerClient.connect());
        } catch (BrokerNotRunningException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            System.err.println("xaa: ignoring the broker: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Sign in to the enterprise IdP in the browser ($BROWSER honoured; the URL is printed when no browser can be opened).")
    static final class Login implements Callable<Integer> {
        @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
                description = "give up after SECONDS (default: ${DEFAULT-VALUE})") long timeoutSeconds;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Optional<BrokerClient> owner = broker();
            if (owner.isPresent() && SessionOwner.inMemory(owner.get())) {
                try (BrokerClient b = owner.get()) { // the session lives in the agent: it signs in, with its browser
                    BrokerStatus s = b.signIn(java.time.Duration.ofSeconds(timeoutSeconds));
                    printSignedIn(s.status());
                    spec.commandLine().getOut().println("session " + SessionOwner.where(s));
                    return XaaCommand.OK;
                }
            }
            owner.ifPresent(BrokerClient::close);
            if (SessionOwner.memoryConfigured()) {
                throw owner.map(b -> SessionOwner.keyringOwner(b.brokerPid())).orElseGet(SessionOwner::noAgent);
            }
            try (Connector c = engine(Optional.empty())) {
                printSignedIn(c.signIn().get(timeoutSeconds, TimeUnit.SECONDS));
                broker().ifPresent(b -> {
                    try (b) {
                        b.sessionChanged(); // the running agent or tray app picks the new session up now
                        spec.commandLine().getOut().println("the running agent (pid " + b.brokerPid() + ") uses the new session");
                    } catch (RuntimeException e) {
                        System.err.println("xaa: the running agent did not take the new session: " + e.getMessage());
                    }
                });
                return XaaCommand.OK;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException e) {
                throw new BridgeException(Reason.SIGN_IN_REQUIRED, "sign-in did not finish within " + timeoutSeconds + " s");
            }
        }

        private void printSignedIn(ConnectorStatus s) {
            spec.commandLine().getOut().println("signed in as " + s.displayName().orElse("?")
                    + s.sessionExpiresAt().map(t -> " (ID token until " + t + (s.canRefresh() ? ", renewable)" : ")")).orElse(""));
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true,
            description = "Sign out: end the session at the IdP (RFC 7009 revocation, when it offers it) and forget it and every token here.")
    static final class Logout implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SignOutResult result = null;
            Optional<BrokerClient> broker = broker();
            boolean keyring = !SessionOwner.memoryConfigured();
            if (broker.isPresent()) {
                try (BrokerClient b = broker.get()) {
                    keyring &= !SessionOwner.inMemory(b); // a memory agent's session is the only one
                    result = b.signOut(); // every bridge using the agent is signed out with it
                } catch (BrokerException e) {
                    System.err.println("xaa: the agent failed (" + e.getMessage() + "): signing out here");
                }
            }
            if (!setUp() || !keyring) { // with no IdP there is no session of our own to forget: the agent's sign-out is all there is
                if (result == null) {
                    result = new SignOutResult(Optional.empty(), SignOutResult.Revocation.NOTHING_TO_REVOKE, Optional.empty());
                }
            } else if (result == null) {
                try (Connector c = engine(Optional.empty())) {
                    result = c.signOut();
                }
            } else {
                try (Connector c = engine(Optional.empty())) {
                    if (c.status().signedIn()) { // the agent serves another IdP than the configured one
                        result = c.signOut();
                    }
                }
            }
            if (result.warning()) {
                System.err.println("xaa: warning: " + result.describe());
            } else {
                spec.commandLine().getOut().println(result.describe());
            }
            return XaaCommand.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Who is signed in, until when, and per server: token state, expiry, scopes, last error.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--json", description = "print JSON") boolean json;
        @Option(names = "--check", description = "also fetch a token for every server (status then shows live states)") boolean check;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        /** Whether an IdP is configured (here, or in the running agent). */
        private boolean configured;

        @Override
        public Integer call() {
            XaaConfig config = ConfigStore.forCurrentUser().load();
            Optional<BrokerClient> broker = broker();
            configured = broker.isPresent() || ConnectorFactory.idp(config).isPresent();
            PrintWriter out = spec.commandLine().getOut();
            if (broker.isPresent()) {
                try (BrokerClient b = broker.get()) {
                    if (check) {
                        b.status().status().servers().keySet().forEach(name -> {
                            try {
                                b.token(name);
                            } catch (RuntimeException e) {
                                // recorded in the status as the server's last error
                            }
                        });
                    }
                    BrokerStatus st = b.status();
                    print(st.status(), Optional.of(st), out);
                    return XaaCommand.OK;
                }
            }
            if (!configured || config.sessionStorage() == SessionStorage.MEMORY) {
                // nothing to read: not set up, or the session would live in an agent and none runs
                print(notSignedIn(config), Optional.empty(), out);
                return XaaCommand.OK;
            }
            try (Connector c = engine(Optional.empty())) {
                if (check) {
                    c.servers().keySet().forEach(name -> {
                        try {
                            c.token(name);
                        } catch (RuntimeException e) {
                            // recorded in the status as the server's last error
                        }
                    });
                }
                print(c.status(), Optional.empty(), out);
                return XaaCommand.OK;
            } catch (ConnectorException e) { // no (usable) keyring: the configured servers, and what to do
                if (e.kind() != ConnectorException.Kind.CREDENTIAL_STORE && e.kind() != ConnectorException.Kind.KEYRING_UNAVAILABLE) {
                    throw e;
                }
                sessionProblem = Optional.of(CliAdvice.message(e, config, Optional.empty()));
                print(notSignedIn(config), Optional.empty(), out);
                return ExitCode.of(e).code();
            }
        }

        /** Why the session store could not be read, with the next step (empty: it was read, or there is none). */
        private Optional<String> sessionProblem = Optional.empty();

        /** Nobody signed in, and every configured server with no token yet. */
        private static ConnectorStatus notSignedIn(XaaConfig config) {
            Map<String, ServerStatus> servers = new LinkedHashMap<>();
            config.servers().keySet().forEach(name -> servers.put(name, new ServerStatus(name,
                    dev.xaa4j.connector.ServerState.IDLE, Optional.empty(), java.util.Set.of(), Optional.empty())));
            return new ConnectorStatus(Optional.empty(), Optional.empty(), false, servers);
        }

        private void print(ConnectorStatus s, Optional<BrokerStatus> agent, PrintWriter out) {
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("running", agent.isPresent());
                agent.ifPresent(st -> {
                    a.put("pid", st.pid());
                    a.put("startedAt", st.startedAt().toString());
                    a.put("clients", st.clients() - 1);
                    a.put("renewals", st.metrics().renewals());
                });
                doc.put("agent", a);
                doc.put("sessionStorage", storage(agent).wireName());
                sessionProblem.ifPresent(p -> doc.put("sessionProblem", p));
                doc.put("configured", configured);
                doc.put("signedIn", s.signedIn());
                s.user().ifPresent(u -> doc.put("user", u));
                s.displayName().ifPresent(u -> doc.put("displayName", u));
                s.sessionExpiresAt().ifPresent(t -> doc.put("sessionExpiresAt", t.toString()));
                doc.put("canRefresh", s.canRefresh());
                Map<String, Object> servers = new LinkedHashMap<>();
                s.servers().forEach((name, st) -> servers.put(name, server(st)));
                doc.put("servers", servers);
                out.println(ConfigStore.toJson(doc));
                return;
            }
            out.println(agent.map(st -> "agent: running (pid " + st.pid() + ", since " + st.startedAt() + ", "
                    + (st.clients() - 1) + " bridge(s) connected, " + st.metrics().renewals() + " token(s) obtained)")
                    .orElse(storage(agent) == SessionStorage.MEMORY ? "agent: not running (the session lives only in its "
                            + "memory: start it with " + SessionOwner.START_AGENT + ")"
                            : "agent: not running (bridges use their own engine)"));
            out.println("session: " + agent.map(SessionOwner::where).orElse(storage(agent) == SessionStorage.MEMORY
                    ? "none (memory mode: it lives only in the memory of a running xaa agent)"
                    : sessionProblem.map(p -> "cannot be read from the OS keyring: " + p).orElse("in the OS keyring")));
            if (!configured) {
                out.println(ConnectorFactory.NOT_SET_UP);
            } else if (sessionProblem.isEmpty()) {
                out.println(s.signedIn() ? "signed in as " + s.displayName().orElseThrow()
                        + s.sessionExpiresAt().map(t -> ", ID token until " + t).orElse("")
                        + (s.canRefresh() ? " (renewable)" : "") : agent.isEmpty() && storage(agent) == SessionStorage.MEMORY
                        ? "not signed in: start " + SessionOwner.START_AGENT + ", then run `xaa login`" : "not signed in: run `xaa login`");
            }
            if (s.servers().isEmpty()) {
                out.println("no MCP servers yet: add one with `xaa server add NAME URL`");
            }
            s.servers().forEach((name, st) -> out.println("  " + name + ": " + st.state().name().toLowerCase()
                    + st.expiresAt().map(t -> ", token until " + t).orElse("")
                    + (st.scopes().isEmpty() ? "" : ", scopes " + String.join(" ", st.scopes()))
                    + st.lastError().map(e -> ", last error: " + e).orElse("")));
        }

        /** Where the session lives: the running broker's storage, else the configured one. */
        private static SessionStorage storage(Optional<BrokerStatus> agent) {
            return agent.map(BrokerStatus::sessionStorage).orElseGet(() -> SessionOwner.memoryConfigured()
                    ? SessionStorage.MEMORY : SessionStorage.KEYRING);
        }

        private static Map<String, Object> server(ServerStatus st) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", st.state().name().toLowerCase());
            st.expiresAt().ifPresent(t -> m.put("expiresAt", t.toString()));
            m.put("scopes", st.scopes().stream().sorted().toList());
            st.lastError().ifPresent(e -> m.put("lastError", e));
            return m;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Print a fresh access token for SERVER (for Claude Code's headersHelper, curl).")
    static final class Token implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER", description = "a configured server name or its URL") String server;
        @Option(names = "--format", defaultValue = "header", paramLabel = "FORMAT",
                description = "header (Authorization: Bearer …), json ({\"Authorization\": …} plus expiry and scopes) "
                        + "(default: ${DEFAULT-VALUE})") String format;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!format.equals("header") && !format.equals("json")) {
                throw new IllegalArgumentException("--format must be header or json");
            }
            XaaConfig config = ConfigStore.forCurrentUser().load();
            ConnectorFactory.idp(config).orElseThrow(ConnectorFactory::notSetUp);
            requireServer(config, server);
            boolean memory = config.sessionStorage() == SessionStorage.MEMORY;
            AccessToken t = fromBroker(server, memory).orElseGet(() -> {
                if (memory) {
                    throw SessionOwner.noAgent();
                }
                try (Connector c = engine(Optional.of(server))) {
                    return c.token(server);
                }
            });
            PrintWriter out = spec.commandLine().getOut();
            if (format.equals("header")) {
                out.println("Authorization: " + t.authorizationHeader());
            } else {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put(ProtocolNames.AUTHORIZATION, t.authorizationHeader());
                doc.put("expiresAt", t.expiresAt().toString());
                doc.put("scopes", t.scopes().stream().sorted().toList());
                out.println(ConfigStore.toJson(doc).replaceAll("\\s*\\n\\s*", " "));
            }
            return XaaCommand.OK;
        }
    }

    /**
     * The running broker's token for {@code server}; empty when none runs, it does not know the server, or it
     * failed as a broker (the embedded engine then answers). Its typed errors (sign-in required, denied) stand.
     * A broker that keeps the session in its memory (or {@code memory} configured) has the only session: its
     * failures stand too, since nothing else could answer.
     */
    static Optional<AccessToken> fromBroker(String server, boolean memory) {
        Optional<BrokerClient> broker = broker();
        if (broker.isEmpty()) {
            return Optional.empty();
        }
        try (BrokerClient b = broker.get()) {
            boolean onlySession = memory || SessionOwner.inMemory(b);
            try {
                return Optional.of(b.token(server));
            } catch (UnknownServerException e) {
                if (onlySession) {
                    throw new IllegalArgumentException(e.getMessage() + " (a memory agent keeps its session across a "
                            + "configuration change; `xaa server list` shows what is configured)");
                }
                return Optional.empty();
            } catch (BrokerException e) {
                if (onlySession) {
                    throw e;
                }
                System.err.println("xaa: the agent failed (" + e.getMessage() + "): using the embedded engine");
                return Optional.empty();
            }
        }
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true,
            description = "Check the configuration, discovery and the whole token chain, with a plain-language diagnosis.")
    static final class Doctor implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER", arity = "0..1") String server;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return new DoctorReport(spec.commandLine().getOut()).run(Optional.ofNullable(server));
        }
    }
}
