package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ServerStatus;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.EffectiveConfig;
import dev.xaa4j.connector.host.config.PolicyStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.SettingSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerStatus;
import java.util.function.Function;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.internal.discovery.ConfiguredUrlException;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.http.Network;
import dev.xaa4j.connector.internal.http.UnreachableException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.io.PrintWriter;
import java.util.List;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code xaa doctor [SERVER]}: walks the chain step by step (config → IdP discovery → server discovery
 * (RFC 9728 → RFC 8414) → session → token exchange + jwt-bearer) and says in plain words what is wrong and
 * what to do. Every request goes through the product's one proxy and TLS set-up ({@link Network}), which the
 * report names first. Token claims are shown decoded and redacted; a token value is never printed.
 */
final class DoctorReport {

    private final PrintWriter out;
    private XaaConfig config = new XaaConfig(null, Map.of());
    private int exit = XaaCommand.OK;
    /** Where each setting came from (docs/admin.md "Provenance"); null until the policy was read. */
    private EffectiveConfig managed;

    DoctorReport(PrintWriter out) {
        this.out = out;
    }

    int run(Optional<String> only) {
        ConfigStore store = ConfigStore.forCurrentUser();
        boolean fileExists = Files.isRegularFile(store.file());
        if (!policy(store)) {
            return exit;
        }
        XaaConfig config;
        try {
            config = store.load();
        } catch (RuntimeException e) {
            return fail(ExitCode.FAILURE, "config file " + store.file() + " cannot be read: " + e.getMessage(),
                    "fix or delete it, then run `xaa idp ISSUER --client-id ID` again");
        }
        try {
            ok("network: " + Network.system().describe()); // the proxy and trust every HTTP client below uses
        } catch (ConnectorException e) { // CONFIGURATION: a proxy variable or CA bundle that cannot be used
            return fail(ExitCode.FAILURE, e.getMessage(), "fix or unset the variable it names, then run `xaa doctor` again");
        }
        Optional<IdpSettings> idp = ConnectorFactory.idp(config);
        if (fileExists) {
            ok("config file " + store.file() + " parsed");
        } else if (!ConnectorFactory.servable(config)) {
            return fail(ExitCode.SIGN_IN_REQUIRED, "xaa is not set up: there is no config file " + store.file(),
                    "run `xaa idp ISSUER --client-id ID` with the values from your administrator, then `xaa login`");
        } else {
            ok("no config file " + store.file() + "; " + withoutConfigFile(store.effective()));
        }
        if (idp.isEmpty() && config.servers().isEmpty()) {
            return fail(ExitCode.SIGN_IN_REQUIRED, "no IdP in the config file " + store.file(),
                    "run `xaa idp ISSUER --client-id ID` with the values from your administrator, then `xaa login`");
        }
        Map<String, ServerEntry> servers = new LinkedHashMap<>(config.servers());
        only.ifPresent(s -> servers.keySet().retainAll(java.util.Set.of(s)));
        if (only.isPresent() && servers.isEmpty() && !XaaConfig.isUrl(only.get())) {
            return fail(ExitCode.USAGE, "no server named '" + only.get() + "'", "`xaa server list` shows the configured ones");
        }
        only.filter(XaaConfig::isUrl).ifPresent(u -> servers.put(u, new ServerEntry(u, null, java.util.List.of(), null)));
        this.config = config;
        Discovery discovery = new Discovery();
        boolean memory = memory(config);
        if (idp.isEmpty()) { // plain MCP OAuth and unprotected servers need none
            ok("no IdP: no company sign-in; each server signs in on its own (`xaa login SERVER`) or takes no token");
        }
        try {
            OIDCProviderMetadata md = idp.isEmpty() ? null : discovery.idp(URI.create(idp.get().issuer()));
            if (md != null) {
                ok("IdP " + idp.get().issuer() + " publishes OpenID metadata; client id " + idp.get().clientId()
                        + " (" + CliAdvice.method(idp.get()) + ")");
            }
            if (md != null && !memory) { // a memory agent's secrets are in its memory, not in the keyring
                checkIdpClient(idp.get(), md);
            }
            if (!memory) {
                clientKey(idp);
            }
        } catch (RuntimeException e) {
            return fail(ExitCode.of(e), "IdP " + idp.get().issuer() + " discovery failed: " + e.getMessage(), idpHint(e));
        }
        if (memory) {
            return throughMemoryAgent(discovery, servers);
        }
        try (Connector c = SessionCommands.connector(config, only, null)) {
            dev.xaa4j.connector.ConnectorStatus status;
            try {
                status = c.status();
            } catch (ConnectorException e) { // the rest needs the session: stop here
                if (e.kind() != ConnectorException.Kind.CREDENTIAL_STORE && e.kind() != ConnectorException.Kind.KEYRING_UNAVAILABLE) {
                    throw e;
                }
                return fail(ExitCode.of(e), "session: cannot be read from the OS keyring: " + e.getMessage(),
                        dev.xaa4j.bridge.BridgeException.NO_KEYRING);
            }
            if (idp.isPresent() && status.signedIn()) { // without an IdP each server below says what it needs
                ok("signed in as " + status.displayName().orElseThrow() + status.sessionExpiresAt().map(t -> ", ID token until " + t).orElse("")
                        + (status.canRefresh() ? " (renewable)" : " (not renewable: sign in again when it ends)"));
            } else if (idp.isPresent()) {
                fail(ExitCode.SIGN_IN_REQUIRED, "not signed in", "run `xaa login` or sign in with the tray app");
            }
            if (servers.isEmpty()) {
                out.println("  next  no MCP servers yet: add one with `xaa server add NAME URL`, then run `xaa doctor` again");
            }
            servers.forEach((name, entry) -> checkServer(c::token, n -> Optional.ofNullable(c.status().servers().get(n)),
                    discovery, name, entry));
        }
        return exit;
    }

    /** Whether the session lives only in a memory agent: configured so, or the running broker keeps it so. */
    private static boolean memory(XaaConfig config) {
        return config.sessionStorage() == SessionStorage.MEMORY
                || SessionCommands.broker().map(b -> { try (b) { return SessionOwner.inMemory(b); } }).orElse(false);
    }

    /** The session and the token chain as the memory agent has them: it holds the only session. */
    private int throughMemoryAgent(Discovery discovery, Map<String, ServerEntry> servers) {
        Optional<BrokerClient> broker = SessionCommands.broker();
        if (broker.isEmpty()) {
            return fail(ExitCode.SIGN_IN_REQUIRED, "no session: it lives only in the memory of xaa agent, and none runs",
                    "start " + SessionOwner.START_AGENT + " (client secrets in its environment), then `xaa login`");
        }
        try (BrokerClient b = broker.get()) {
            BrokerStatus st = b.status();
            ok("session " + SessionOwner.where(st));
            if (st.status().signedIn()) {
                ok("signed in as " + st.status().displayName().orElseThrow()
                        + st.status().sessionExpiresAt().map(t -> ", ID token until " + t).orElse(""));
            } else if (ConnectorFactory.idp(config).isPresent()) { // without an IdP each server says what it needs
                fail(ExitCode.SIGN_IN_REQUIRED, "not signed in", "run `xaa login` (the agent opens the browser)");
            }
            servers.forEach((name, entry) -> checkServer(b::token, n -> Optional.ofNullable(b.status().status().servers().get(n)),
                    discovery, name, entry));
        }
        return exit;
    }

    /**
     * The IdP client's auth method against the secret in the keyring and the methods the IdP publishes
     * ({@code token_endpoint_auth_methods_supported}): a setting that silently contradicts another is a FAIL.
     */
    private void checkIdpClient(IdpSettings idp, OIDCProviderMetadata md) {
        String method = CliAdvice.method(idp);
        Optional<Boolean> secretStored;
        try {
            secretStored = Optional.of(new KeyringCredentialStore(SessionCommands.KEYRING_SERVICE)
                    .read(ClientCredentialsSource.secretKey(idp.issuer(), idp.clientId())).isPresent());
        } catch (RuntimeException e) {
            secretStored = Optional.empty(); // no keyring to ask: sign-in reports it when it needs the secret
        }
        List<ClientAuthenticationMethod> accepted = md.getTokenEndpointAuthMethods();
        boolean noneRefused = method.equals("none") && accepted != null
                && !accepted.contains(ClientAuthenticationMethod.NONE);
        if (method.equals("none") && (noneRefused || secretStored.orElse(false))) {
            fail(ExitCode.FAILURE, "the IdP client " + idp.clientId() + " uses auth method none (no secret is sent)"
                    + (secretStored.orElse(false) ? ", so the client secret stored in the keyring is never used" : "")
                    + (noneRefused ? (secretStored.orElse(false) ? ";" : ",") + " but the IdP accepts only "
                    + accepted.stream().map(ClientAuthenticationMethod::getValue).toList() + " at its token endpoint" : ""),
                    "run " + CliAdvice.idpCommand(idp, "client_secret_basic")
                            + (secretStored.orElse(false) ? "" : ", then `xaa secret set idp-client-secret` (reads stdin)"));
        } else if ((method.equals("client_secret_basic") || method.equals("client_secret_post"))
                && secretStored.isPresent() && !secretStored.get()) {
            fail(ExitCode.FAILURE, "the IdP client " + idp.clientId() + " uses " + method
                    + " but no client secret is stored in the keyring", "run `xaa secret set idp-client-secret` (reads stdin)");
        }
    }

    /**
     * The per-install client key (`xaa key create`): its kid and alg when present; a FAIL when the IdP client
     * uses private_key_jwt and neither it nor a client-specific key is in the keyring.
     */
    private void clientKey(Optional<IdpSettings> idp) {
        try {
            var key = KeyCommand.keys().publicKey();
            key.ifPresent(k -> ok("client key for private_key_jwt: " + k.getAlgorithm() + ", kid " + k.getKeyID()
                    + " (public JWKS: `xaa key show`)"));
            if (key.isEmpty() && idp.isPresent() && CliAdvice.method(idp.get()).equals("private_key_jwt")
                    && new dev.xaa4j.connector.internal.store.KeyringClientCredentials(new KeyringCredentialStore(
                    SessionCommands.KEYRING_SERVICE)).signingKey(idp.get().issuer(), idp.get().clientId()).isEmpty()) {
                fail(ExitCode.FAILURE, "the IdP client " + idp.get().clientId() + " uses private_key_jwt but there is no"
                        + " client key in the keyring", "run `xaa key create` and register the public key with your IdP administrator");
            }
        } catch (RuntimeException e) {
            // no keyring to ask (reported by the session check below) or an unreadable key (sign-in names it)
        }
    }

    /**
     * The next step after a failed IdP discovery, by the failure's type and kind; none when its message already
     * names it (an {@link UnreachableException}: the network, VPN or CA bundle to check).
     */
    static String idpHint(RuntimeException e) {
        if (e instanceof UnreachableException) {
            return null;
        }
        if (e instanceof ConfiguredUrlException) {
            return "set the issuer again, exactly as the IdP announces it: `xaa idp ISSUER --client-id ID`";
        }
        if (e instanceof ConnectorException c && c.kind() == ConnectorException.Kind.UPSTREAM_UNAVAILABLE) {
            return "check your network (VPN, proxy) and try again";
        }
        return "check the issuer URL (`xaa idp ISSUER --client-id ID` sets it) with your administrator";
    }

    /** The next step after a failed server discovery, by the failure's type; none when its message already names it. */
    static String serverHint(String name, RuntimeException e) {
        if (e instanceof UnreachableException) {
            return null;
        }
        if (e instanceof ConfiguredUrlException) {
            return "set its URL again: `xaa server add " + name + " https://…`";
        }
        return "the server must answer 401 with WWW-Authenticate resource_metadata (RFC 9728) and its AS must publish RFC 8414 metadata";
    }

    /**
     * The next step after an access denial: a person asks for the server; a headless grant's refusal already says
     * what the workload's or client's administrator must fix (no person has a grant to ask for).
     */
    static String deniedHint(AuthMode flow) {
        return flow == AuthMode.CLIENT_CREDENTIALS || flow == AuthMode.WORKLOAD
                ? null : "ask your administrator to grant you this server";
    }

    /**
     * One server: the configured flow, discovery (where its metadata came from), a token, then the flow the engine
     * chose and why ({@link ServerStatus#flowReason()}), with the next step for a server that needs a sign-in.
     */
    private void checkServer(Function<String, AccessToken> token, Function<String, Optional<ServerStatus>> status,
                             Discovery discovery, String name, ServerEntry entry) {
        out.println();
        out.println(name + " — " + entry.url());
        ok("configured flow: " + entry.authMode().word() + (entry.authMode() == AuthMode.AUTO
                ? " (discovery decides: enterprise when its authorization server redeems ID-JAGs, else per-server sign-in)"
                : managed != null && managed.serverSources().get(name) == SettingSource.POLICY ? " (set by your organization's policy)"
                : " (`xaa server add " + name + " URL --auth auto` lets discovery decide)"));
        HeadlessOptions.explain(entry).ifPresent(this::ok);
        if (entry.authMode() == AuthMode.AUTO || entry.authMode() == AuthMode.EMA) {
            ok("jwt-bearer scope (enterprise flow): " + entry.jwtBearerScopeChoice().word() + switch (entry.jwtBearerScopeChoice()) {
                case INHERIT -> " (the scope your IdP granted)";
                case SEND -> " (the scopes asked for)";
                case OMIT -> " (none: the authorization server takes the ID-JAG's)";
            });
            ok("jwt-bearer resource (enterprise flow): " + (entry.jwtBearerResourceSent()
                    ? "send (the server's URL, RFC 8707)" : "omit (the ID-JAG names the server)"));
        }
        if (entry.authMode() != AuthMode.NONE) {
            try {
                ServerMetadata m = discovery.server(URI.create(entry.url()), Optional.ofNullable(entry.pinnedAsIssuer()));
                ok(switch (m.source()) {
                    case PRM -> "protected resource metadata: resource " + m.resource();
                    case LEGACY_METADATA -> "no protected resource metadata: authorization server metadata at the server's "
                            + "origin (MCP 2025-03-26)";
                    case LEGACY_DEFAULTS -> "no protected resource metadata and no authorization server metadata: the "
                            + "default endpoints at the server's origin (MCP 2025-03-26)";
                } + ", authorization server " + m.asIssuer());
            } catch (RuntimeException e) {
                fail(ExitCode.of(e), "discovery failed: " + e.getMessage(), serverHint(name, e));
                flow(status, name);
                return;
            }
        }
        try {
            AccessToken t = token.apply(name);
            Optional<ServerStatus> st = status.apply(name);
            AuthMode flow = st.map(ServerStatus::flow).orElse(AuthMode.AUTO);
            ok((flow == AuthMode.OAUTH ? "per-server token (from its sign-in, renewed with its refresh token) at the AS: scopes "
                    : flow == AuthMode.CLIENT_CREDENTIALS || flow == AuthMode.WORKLOAD
                    ? ServerSignIn.describe(flow) + " grant at the AS succeeded (run again before expiry): scopes "
                    : "token exchange at the IdP and jwt-bearer grant at the AS succeeded: scopes ")
                    + String.join(" ", t.scopes()) + ", valid until " + t.expiresAt());
            claims(t.value()).ifPresent(cl -> ok("access token claims (redacted): " + cl));
        } catch (ConnectorException e) {
            ExitCode code = ExitCode.of(e.kind());
            switch (e.kind()) {
                case NOT_PROTECTED -> ok("takes no token: its requests go without Authorization (" + e.getMessage() + ")");
                case SERVER_SIGN_IN_REQUIRED -> fail(code, "no per-server sign-in yet: " + e.getMessage(),
                        "run `xaa login " + name + "` (or choose 'Sign in to " + name + "' in the xaa tray)");
                case SIGN_IN_REQUIRED -> fail(code, "no token: " + e.getMessage(), CliAdvice.LOGIN);
                case ACCESS_DENIED -> fail(code, "access denied: " + e.getMessage(), deniedHint(entry.authMode()));
                case SERVER_NOT_ENABLED -> fail(code, "not enabled: " + e.getMessage(),
                        "your administrator has to enable this server for enterprise-managed access");
                case UPSTREAM_UNAVAILABLE -> fail(code, "unavailable: " + e.getMessage(), "try again later; tokens already issued are kept");
                default -> failWithAdvice(code, e, name); // a missing client secret, invalid_client: it names the command
            }
        } catch (RuntimeException e) {
            failWithAdvice(ExitCode.of(e), e, name);
        }
        flow(status, name);
    }

    /** The flow the engine chose for {@code name} and why (nothing when it has not decided). */
    private void flow(Function<String, Optional<ServerStatus>> status, String name) {
        Optional<ServerStatus> st;
        try {
            st = status.apply(name);
        } catch (RuntimeException e) {
            return; // the failure above said what is wrong
        }
        st.filter(s -> s.flow() != AuthMode.AUTO).ifPresentOrElse(s -> ok("flow: " + ServerSignIn.describe(s.flow())
                        + s.flowReason().map(r -> " — " + r).orElse("")),
                () -> out.println("  note  flow: not decided yet (the server was not reached)"));
    }

    /** {@link CliAdvice}'s words for a token failure; the config file as the next step when they name no command. */
    private void failWithAdvice(ExitCode code, RuntimeException e, String name) {
        CliAdvice.Advice advice = CliAdvice.advice(e, config, Optional.of(name));
        fail(code, advice.message(), advice.namesCommand() ? null : "check the server's entry in " + ConfigStore.forCurrentUser().file());
    }

    /** iss, sub, aud, client_id, scope, exp of a JWT access token; nothing else, never the signature. */
    static Optional<String> claims(String token) {
        try {
            JWTClaimsSet cs = SignedJWT.parse(token).getJWTClaimsSet();
            Map<String, Object> shown = new LinkedHashMap<>();
            for (String k : new String[] {"iss", "sub", "aud", "client_id", "scope", "exp"}) {
                Object v = cs.getClaim(k);
                if (v != null) {
                    shown.put(k, v instanceof java.util.Date d ? d.toInstant().toString() : v);
                }
            }
            return Optional.of(shown.toString());
        } catch (java.text.ParseException e) {
            return Optional.empty(); // an opaque token: nothing to show
        }
    }

    /**
     * The policy section (docs/admin.md): where the organization's policy was read, or the places looked at; its
     * locked keys; a policy of lower precedence that is present but not read; each user or environment value the
     * policy makes ineffective, and why. A malformed policy is a FAIL with the fix; then nothing else is checked
     * (returns false), as no command would start.
     */
    /** Where the IdP (or, without one, the servers) comes from when the user has no config file: policy or environment. */
    private static String withoutConfigFile(EffectiveConfig e) {
        SettingSource issuer = e.idpSources().get("issuer");
        if (issuer == SettingSource.POLICY) {
            return "the IdP comes from your organization's policy";
        }
        if (issuer == SettingSource.ENV) {
            return "the IdP comes from the XAA_IDP_* environment variables";
        }
        return e.policyOrigin().isPresent() ? "the servers come from your organization's policy"
                : "the servers come from the XAA_SERVER_* environment variables";
    }

    private boolean policy(ConfigStore store) {
        store.machinePolicyNotRead().ifPresent(machine -> note("XAA_POLICY is set, so your organization's policy ("
                + machine + ") is not read", "unset XAA_POLICY unless your IT department set it"));
        EffectiveConfig e = store.effective();
        managed = e;
        if (e.policyError().isPresent()) {
            fail(ExitCode.USAGE, "policy: " + e.policyError().get(), "send this line to your IT department; until the"
                    + " policy is fixed no xaa command starts (`xaa status` shows your own settings and this fault)");
            return false;
        }
        if (e.policyOrigin().isEmpty()) {
            ok("policy: none (looked at " + store.policy().where() + "); every setting is yours");
            return true;
        }
        ok("policy: read from " + e.policyOrigin().get() + "; " + (e.locked().isEmpty()
                ? "nothing locked: its values are defaults you may change"
                : "managed by your organization (locked): " + String.join(", ", e.locked().stream().sorted().toList())));
        boolean used = false;
        for (PolicyStore s : store.policy().stores()) {
            try {
                boolean present = s.read().isPresent();
                if (present && used) {
                    note("also found " + s.where() + ": not read, because " + e.policyOrigin().get() + " comes first", null);
                }
                used |= present;
            } catch (RuntimeException ignored) {
                // a malformed store below the one read is never consulted
            }
        }
        e.warnings().forEach(w -> note(w, "remove it from your config file or environment: it has no effect"));
        return true;
    }

    /** A note: something to know that is no fault, and optionally what to do. */
    private void note(String what, String todo) {
        out.println("  note  " + what);
        if (todo != null) {
            out.println("        → " + todo);
        }
    }

    private void ok(String what) {
        out.println("  ok    " + what);
    }

    /** A FAIL line and, unless {@code todo} is null (the message says it already), the next step. */
    private int fail(ExitCode code, String what, String todo) {
        out.println("  FAIL  " + what);
        if (todo != null) {
            out.println("        → " + todo);
        }
        if (exit == XaaCommand.OK) {
            exit = code.code();
        }
        return exit;
    }
}
