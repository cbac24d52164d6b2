package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.EffectiveConfig;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.host.SharedTokenSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerStatus;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
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
 * The commands that use the session: sign-in, sign-out, status, tokens. Each gets its tokens from the one
 * {@link SharedTokenSource} of {@link #tokenSource} (the running session owner's broker, else a connector of its
 * own from the per-user config), does one thing and closes it. Failures are the connector's typed exceptions,
 * mapped to exit codes by {@link XaaCommand}.
 */
final class SessionCommands {

    /** The keyring service the connector reads its session and client secrets from (Connector's default). */
    static final String KEYRING_SERVICE = "xaa4j";

    private SessionCommands() {
    }

    /**
     * The session for {@code config}: the running broker (the tray app or {@code xaa agent}) while one runs, else a
     * connector of this process (session in {@code keyring}; {@code null}: a store of its own) built on first use.
     * With the session only in a memory agent's process ({@code sessionStorage memory}) there is no connector of its
     * own to fall back on: without a broker, every call says to start {@code xaa agent --memory}.
     */
    static SharedTokenSource tokenSource(XaaConfig config, Optional<String> adHocServer, KeyringCredentialStore keyring) {
        return tokenSource(config, adHocServer, keyring, false);
    }

    /** As above; with {@code startAgent}, an agent is started when none runs ({@link AgentAutostart}). */
    static SharedTokenSource tokenSource(XaaConfig config, Optional<String> adHocServer, KeyringCredentialStore keyring,
                                         boolean startAgent) {
        return new SharedTokenSource(startAgent ? AgentAutostart.connect(config) : BrokerClient::connect,
                config.sessionStorage() == SessionStorage.MEMORY ? () -> { throw SessionOwner.noAgent(); }
                        : () -> connector(config, adHocServer, keyring), java.time.Clock.systemUTC());
    }

    /**
     * This process's own connector for {@code config} (with {@code adHocServer} when it is an unconfigured URL). Needs
     * only the IdP (sign-in, sign-out and the status work before any server is added) or only servers (plain MCP
     * OAuth and unprotected ones need no IdP; then {@code signIn()} says there is no identity provider).
     *
     * @throws BridgeException {@link Reason#NOT_SET_UP} when neither an IdP nor a server is configured
     */
    static Connector connector(XaaConfig config, Optional<String> adHocServer, KeyringCredentialStore keyring) {
        return ConnectorFactory.build(config, adHocServer, b -> keyring == null ? b : ConnectorInternals.credentialStore(b, keyring))
                .orElseThrow(SessionCommands::notSetUp);
    }

    /** The failure for "no IdP configured": {@link Reason#NOT_SET_UP} (exit code 3), {@link ConnectorFactory#NOT_SET_UP}. */
    static BridgeException notSetUp() {
        return new BridgeException(Reason.NOT_SET_UP, ConnectorFactory.NOT_SET_UP);
    }

    /** The running broker (the tray app or {@code xaa agent}), if any; problems other than "none runs" are logged. */
    static Optional<BrokerClient> broker() {
        try {
            return Optional.of(BrokerClient.connect());
        } catch (dev.xaa4j.connector.host.broker.BrokerNotRunningException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            System.err.println("xaa: ignoring the broker: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** SERVER as a configured name or an http(s) URL; anything else is a usage error naming the next command. */
    static void requireServer(XaaConfig config, String server) {
        if (config.resolve(server).isEmpty()) {
            throw new IllegalArgumentException("unknown server '" + server + "': `xaa server list` shows the "
                    + "configured ones; `xaa server add " + server + " URL` adds it");
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Sign in to the enterprise IdP in the browser ($BROWSER honoured; the URL is printed when no browser can be opened). "
                    + "With SERVER: the per-server sign-in of a server that uses plain MCP OAuth (--auth oauth).")
    static final class Login implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER", arity = "0..1", description = "a configured server: sign in to it alone") String server;
        @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
                description = "give up after SECONDS (default: ${DEFAULT-VALUE})") long timeoutSeconds;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            XaaConfig config = ConfigStore.forCurrentUser().load();
            if (server != null) {
                return ServerSignIn.login(config, server, timeoutSeconds, spec.commandLine().getOut());
            }
            try (SharedTokenSource session = tokenSource(config, Optional.empty(), null)) {
                Optional<BrokerClient> owner = session.broker();
                boolean inMemory = owner.map(SessionOwner::inMemory).orElse(false);
                if (!inMemory && config.sessionStorage() == SessionStorage.MEMORY) {
                    throw owner.map(b -> SessionOwner.keyringOwner(b.brokerPid())).orElseGet(SessionOwner::noAgent);
                }
                // A memory agent signs in with its browser; else here, into the keyring, and a running agent re-reads it.
                printSignedIn(session.signIn(java.time.Duration.ofSeconds(timeoutSeconds)).get(timeoutSeconds, TimeUnit.SECONDS));
                if (inMemory) {
                    spec.commandLine().getOut().println("session " + SessionOwner.where(owner.get().status()));
                } else {
                    owner.filter(BrokerClient::isOpen).ifPresent(b -> spec.commandLine().getOut()
                            .println("the running agent (pid " + b.brokerPid() + ") uses the new session"));
                }
                return XaaCommand.OK;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException e) {
                throw new BridgeException(Reason.SIGN_IN_REQUIRED, "sign-in did not finish within " + timeoutSeconds + " s: "
                        + CliAdvice.LOGIN);
            }
        }

        private void printSignedIn(ConnectorStatus s) {
            spec.commandLine().getOut().println("signed in as " + s.displayName().orElse("?")
                    + s.sessionExpiresAt().map(t -> " (ID token until " + t + (s.canRefresh() ? ", renewable)" : ")")).orElse(""));
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true,
            description = "Sign out: end the session at the IdP (RFC 7009 revocation, when it offers it) and forget it and every token here. "
                    + "With SERVER: end that server's per-server sign-in only (revoked at its authorization server).")
    static final class Logout implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER", arity = "0..1", description = "a configured server: sign out of it alone") String server;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (server != null) {
                return ServerSignIn.logout(ConfigStore.forCurrentUser().load(), server, spec.commandLine().getOut());
            }
            SignOutResult result;
            // The agent's session (every bridge using it is signed out with it), then this machine's keyring one.
            try (SharedTokenSource session = tokenSource(ConfigStore.forCurrentUser().load(), Optional.empty(), null)) {
                result = session.signOut();
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
        /** Whether there is anything to serve: an IdP or a server (here, or in the running agent). */
        private boolean configured;
        /** Whether an IdP is configured: without one there is no company session, only per-server sign-ins. */
        private boolean companySignIn;
        /** The configured servers (their settings that no token status carries, e.g. the jwt-bearer scope). */
        private Map<String, ServerEntry> entries = Map.of();

        /** The effective configuration with where each setting came from (docs/admin.md "Provenance"). */
        private EffectiveConfig effective;

        @Override
        public Integer call() {
            effective = ConfigStore.forCurrentUser().effective();
            XaaConfig config = effective.config();
            entries = config.servers();
            PrintWriter out = spec.commandLine().getOut();
            effective.warnings().forEach(w -> spec.commandLine().getErr().println("xaa: warning: " + w));
            if (effective.policyError().isPresent()) { // fail closed: the user's config is shown, nothing is built from it
                sessionProblem = effective.policyError();
                configured = ConnectorFactory.servable(config);
                companySignIn = ConnectorFactory.idp(config).isPresent();
                print(notSignedIn(config), Optional.empty(), out);
                return ExitCode.USAGE.code();
            }
            try (SharedTokenSource session = tokenSource(config, Optional.empty(), null, check)) {
                Optional<BrokerClient> broker = session.broker();
                configured = broker.isPresent() || ConnectorFactory.servable(config);
                companySignIn = ConnectorFactory.idp(config).isPresent();
                if (broker.isEmpty() && (!configured || config.sessionStorage() == SessionStorage.MEMORY)) {
                    // nothing to read: not set up, or the session would live in an agent and none runs
                    print(notSignedIn(config), Optional.empty(), out);
                    return XaaCommand.OK;
                }
                if (check) {
                    session.status().servers().keySet().forEach(name -> {
                        try {
                            session.token(name);
                        } catch (RuntimeException e) {
                            // recorded in the status as the server's last error
                        }
                    });
                }
                if (broker.isPresent() && broker.get().isOpen()) {
                    BrokerStatus st = broker.get().status();
                    print(st.status(), Optional.of(st), out);
                } else {
                    print(session.status(), Optional.empty(), out);
                }
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
            config.servers().forEach((name, entry) -> servers.put(name, new ServerStatus(name,
                    dev.xaa4j.connector.ServerState.IDLE, Optional.empty(), java.util.Set.of(), Optional.empty())
                    .withFlow(entry.authMode(), entry.authMode() == AuthMode.AUTO ? Optional.empty()
                            : Optional.of("set in the configuration (auth " + entry.authMode().word() + ")"))));
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
                    a.put("onDemand", st.lifetime().onDemand());
                    st.lifetime().idleExit().ifPresent(d -> a.put("idleExitSeconds", d.toSeconds()));
                });
                doc.put("agent", a);
                doc.put("sessionStorage", storage(agent).wireName());
                sessionProblem.ifPresent(p -> doc.put("sessionProblem", p));
                doc.put("configured", configured);
                doc.put("idpConfigured", companySignIn);
                doc.put("signedIn", s.signedIn());
                s.user().ifPresent(u -> doc.put("user", u));
                s.displayName().ifPresent(u -> doc.put("displayName", u));
                s.sessionExpiresAt().ifPresent(t -> doc.put("sessionExpiresAt", t.toString()));
                doc.put("canRefresh", s.canRefresh());
                Map<String, Object> servers = new LinkedHashMap<>();
                s.servers().forEach((name, st) -> {
                    Map<String, Object> m = server(st);
                    Optional.ofNullable(entries.get(name)).ifPresent(e -> {
                        m.put("jwtBearerScope", e.jwtBearerScopeChoice().word());
                        m.put("jwtBearerResource", e.jwtBearerResourceSent() ? ServerEntry.SEND : ServerEntry.OMIT);
                    });
                    servers.put(name, m);
                });
                doc.put("servers", servers);
                Provenance.addTo(doc, effective, storage(agent).wireName());
                out.println(ConfigStore.toJson(doc));
                return;
            }
            out.println(agent.map(st -> "agent: running (pid " + st.pid() + st.lifetime().describe() + ", since " + st.startedAt() + ", "
                    + (st.clients() - 1) + " bridge(s) connected, " + st.metrics().renewals() + " token(s) obtained)")
                    .orElse(storage(agent) == SessionStorage.MEMORY ? "agent: not running (the session lives only in its "
                            + "memory: start it with " + SessionOwner.START_AGENT + ")"
                            : "agent: not running (" + AgentAutostart.off(effective.config(), System.getenv())
                                    .map(why -> "not started on demand: " + why + "; bridges use a connector of their own")
                                    .orElse("the next bridge or `xaa token` starts it") + ")"));
            out.println("session: " + agent.map(SessionOwner::where).orElse(storage(agent) == SessionStorage.MEMORY
                    ? "none (memory mode: it lives only in the memory of a running xaa agent)"
                    : effective.policyError().isPresent() ? "not read (your organization's policy cannot be used: below)"
                    : sessionProblem.map(p -> "cannot be read from the OS keyring: " + p).orElse("in the OS keyring")));
            Provenance.describe(effective).forEach(out::println);
            if (effective.policyError().isPresent()) {
                out.println("policy: " + effective.policyError().get());
            } else if (!configured) {
                out.println(ConnectorFactory.NOT_SET_UP);
            } else if (!companySignIn) {
                out.println("company sign-in: none (no identity provider configured; `xaa idp ISSUER --client-id ID` adds one)");
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
                    + Provenance.note(effective, name)
                    + ", flow " + ServerSignIn.describe(st.flow())
                    + (ServerSignIn.needsSignIn(st) ? ", " + ServerSignIn.signInHint(name) : "")
                    + st.expiresAt().map(t -> ", token until " + t).orElse("")
                    + (st.scopes().isEmpty() ? "" : ", scopes " + String.join(" ", st.scopes()))
                    + st.lastError().map(e -> ", last error: " + e).orElse("")));
        }

        /** Where the session lives: the running broker's storage, else the configured one. */
        private SessionStorage storage(Optional<BrokerStatus> agent) {
            return agent.map(BrokerStatus::sessionStorage).orElse(effective.config().sessionStorage());
        }

        private static Map<String, Object> server(ServerStatus st) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", st.state().name().toLowerCase());
            st.expiresAt().ifPresent(t -> m.put("expiresAt", t.toString()));
            m.put("scopes", st.scopes().stream().sorted().toList());
            st.lastError().ifPresent(e -> m.put("lastError", e));
            m.put("flow", st.flow().word());
            m.put("flowDescription", ServerSignIn.describe(st.flow()));
            st.flowReason().ifPresent(r -> m.put("flowReason", r));
            if (ServerSignIn.needsSignIn(st)) {
                m.put("signIn", "xaa login " + st.server());
            }
            return m;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Print a fresh access token for SERVER (for Claude Code's headersHelper, curl). A DPoP-bound "
                    + "token comes with a proof for one request and how to get the next (--dpop-proof).")
    static final class Token implements Callable<Integer> {
        @Parameters(paramLabel = "SERVER", description = "a configured server name or its URL") String server;
        @Option(names = "--format", defaultValue = "header", paramLabel = "FORMAT",
                description = "header (Authorization: Bearer …), json ({\"Authorization\": …} plus expiry and scopes; "
                        + "for a DPoP-bound token the proof recipe) (default: ${DEFAULT-VALUE})") String format;
        @Option(names = HeadlessOptions.WORKLOAD, paramLabel = "SOURCE", description = HeadlessOptions.WORKLOAD_DESCRIPTION)
        String workload;
        @Option(names = "--method", defaultValue = "POST", paramLabel = "METHOD",
                description = "a DPoP-bound token's proof is for this HTTP method (default: ${DEFAULT-VALUE})") String method;
        @Option(names = "--url", paramLabel = "URL",
                description = "... and this URL (default: the server's URL)") URI url;
        @Option(names = "--dpop-proof", arity = "2", paramLabel = "METHOD URL",
                description = "print just a fresh DPoP proof for one METHOD request to URL (a proof is used once)") List<String> dpopProof;
        @Option(names = "--nonce", paramLabel = "NONCE",
                description = "with --dpop-proof: the server's latest DPoP-Nonce") String nonce;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("header") && !format.equals("json")) {
                throw new IllegalArgumentException("--format must be header or json");
            }
            URI proofUrl = dpopProof == null ? null : absolute(dpopProof.get(1));
            XaaConfig config = ConfigStore.forCurrentUser().load();
            if (workload != null) { // a workload for this run: no IdP, broker or keyring involved
                config = HeadlessOptions.workload(config, server, workload);
            }
            if (!config.servers().isEmpty()) { // a mistyped name is not "not set up yet" when servers are configured
                requireServer(config, server);
            }
            if (config.server(server).map(e -> e.authMode() == AuthMode.NONE).orElse(false)) {
                throw ServerSignIn.noToken(server, "auth none in the configuration");
            }
            if (config.server(server).map(e -> e.authMode() == AuthMode.EMA).orElse(true)) {
                ConnectorFactory.idp(config).orElseThrow(SessionCommands::notSetUp); // else the engine may serve it without one
            }
            requireServer(config, server);
            if (workload != null && dpopProof != null) { // before the grant: it would spend a workload JWT for nothing
                throw TokenRecipe.proofWouldNotFit(server, "xaa token " + server + " --workload " + workload + " --format json", true);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (dev.xaa4j.connector.TokenSource session = workload != null ? HeadlessOptions.workloadConnector(config)
                    : tokenSource(config, Optional.of(server), null, true)) {
                AccessToken t = session.token(server);
                // a token no session owner keeps is this process's own: a later --dpop-proof would not fit it
                boolean shared = session instanceof SharedTokenSource s && s.usingBroker();
                Optional<String> again = TokenRecipe.again(server, t, shared, Optional.ofNullable(workload));
                if (proofUrl != null) {
                    if (again.isPresent()) {
                        throw TokenRecipe.proofWouldNotFit(server, again.get(), workload != null);
                    }
                    out.println(TokenRecipe.proof(session, server, t, dpopProof.get(0), proofUrl, Optional.ofNullable(nonce)));
                } else {
                    URI target = url != null ? absolute(url.toString()) : config.resolve(server).orElseThrow();
                    TokenRecipe.print(out, spec.commandLine().getErr(), session, server, t, format, method, target, again);
                }
            } catch (ConnectorException e) {
                throw e.kind() == ConnectorException.Kind.NOT_PROTECTED ? ServerSignIn.noToken(server, e.getMessage()) : e;
            }
            return XaaCommand.OK;
        }

        private static URI absolute(String url) {
            if (!XaaConfig.isUrl(url)) {
                throw new IllegalArgumentException("'" + url + "' is not an http(s) URL: a DPoP proof is for one request to"
                        + " an absolute URL such as https://mcp.example.com/mcp");
            }
            return URI.create(url);
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
