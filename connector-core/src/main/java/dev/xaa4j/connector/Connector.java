package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.ActivityJournal;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import dev.xaa4j.connector.internal.token.TokenManager;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Enterprise-managed authorization for MCP clients: sign in once at the enterprise IdP, then get a fresh,
 * short-lived access token per MCP server (docs/protocol.md §1: token exchange for an ID-JAG at the IdP, then the
 * jwt-bearer grant at the server's authorization server).
 *
 * <pre>{@code
 * Connector connector = Connector.builder()
 *         .idp(new IdpConfig(URI.create("https://idp.example"), "xaa-desktop", ClientAuthMethod.CLIENT_SECRET_BASIC))
 *         .server(ServerConfig.of("notes", URI.create("https://notes.example/mcp"), "xaa-desktop-mcp", ClientAuthMethod.CLIENT_SECRET_BASIC))
 *         .build();
 * connector.signIn().join();                       // interactive, once
 * AccessToken token = connector.token("notes");    // cached, renewed in the background
 * }</pre>
 *
 * <p>Thread-safe. {@link #token(String)} on a warm server is lock-free and never waits; renewal happens in
 * the background before expiry, one at a time per server (docs/architecture.md "Threads"). Background renewal
 * never opens a browser: when the IdP session is gone it emits {@link ConnectorEvent.SignInRequired} and
 * {@link #token} throws a {@link ConnectorException} of kind {@link ConnectorException.Kind#SIGN_IN_REQUIRED}.
 * Every failure is a {@link ConnectorException}; act on its {@link ConnectorException#kind()} (docs/protocol.md §5).
 * Servers can be added and removed while it runs ({@link #addServer}, {@link #removeServer}); the others' tokens stay.
 *
 * <p>Only the IdP session is persisted (in the OS keyring by default, or only in memory, see
 * {@link Builder#sessionInMemory}); access tokens stay in memory. Secrets come from a
 * {@link ClientCredentialsSource}, never from configuration.
 */
public final class Connector implements TokenSource {

    /** The OS keyring service under which the IdP session and client secrets are kept by default. */
    public static final String KEYRING_SERVICE = "xaa4j";

    private final IdpConfig idp;
    private final ServerTable servers;
    private final Clock clock;
    private final ConnectorAssembly parts; // the engine's parts: discovery, epoch, grants, flow router
    private final TokenManager tokens;
    private final SessionControl control;
    private final ServerSignIn perServer;
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();

    private Connector(Builder b) {
        this.idp = b.idp; // none: plain-OAuth and unprotected servers only; no server is fine too
        this.servers = new ServerTable(b.servers);
        this.clock = b.clock;
        listeners.addAll(b.listeners);
        if (b.journal) {
            listeners.add(new ActivityJournal(b.stateDir != null ? b.stateDir : ActivityJournal.defaultStateDir()));
        }
        this.parts = new ConnectorAssembly(b, servers, event -> ConnectorAssembly.publish(listeners, event));
        this.tokens = parts.tokens;
        this.control = parts.control;
        this.perServer = new ServerSignIn(servers, parts.router, parts.grants, tokens, control, parts.discovery);
        parts.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A valid access token for the named server (docs/protocol.md §1 steps 2–3, §4). Returns the cached token
     * without waiting while it is valid; otherwise waits for the (single) renewal in flight.
     *
     * @throws ConnectorException of kind {@link ConnectorException.Kind#SIGN_IN_REQUIRED} (no IdP session, or it
     *         ended: call {@link #signIn()}), {@link ConnectorException.Kind#ACCESS_DENIED} (the IdP or AS refused;
     *         a {@link ScopeDeniedException} for refused step-up scopes), {@link ConnectorException.Kind#SERVER_NOT_ENABLED},
     *         {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE} (no valid token left and the IdP or AS cannot be
     *         reached), {@link ConnectorException.Kind#CONFIGURATION} (unknown server name, bad client credentials)
     */
    @Override
    public AccessToken token(String server) {
        return tokens.token(server);
    }

    /** Like {@link #token(String)} without blocking the calling thread. */
    public CompletableFuture<AccessToken> tokenAsync(String server) {
        return tokens.tokenAsync(server);
    }

    /** The cached usable token, if any; never starts a renewal, never blocks. */
    @Override
    public Optional<AccessToken> cachedToken(String server) {
        return tokens.peek(server);
    }

    /**
     * The MCP server answered 401 to {@code rejectedValue} (docs/protocol.md §5 "RS 401"): forget it so the next {@link #token}
     * renews. For a server found unprotected ({@link AuthMode#NONE}; any {@code rejectedValue}) the flow is chosen again.
     */
    @Override
    public boolean invalidate(String server, String rejectedValue) {
        return perServer.invalidate(server, rejectedValue);
    }

    /** Also re-discovers before the next renewal when the challenge names another {@code resource_metadata} (docs/protocol.md §6 step 10). */
    @Override
    public boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata) {
        return perServer.invalidate(server, rejectedValue, challengedResourceMetadata);
    }

    /** The next discovery starts from the 401's challenge ({@code resource_metadata}, {@code scope}). */
    @Override
    public boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata,
                              Collection<String> challengedScopes) {
        return perServer.invalidate(server, rejectedValue, challengedResourceMetadata, challengedScopes);
    }

    /** A DPoP proof with this installation's key (docs/architecture.md "DPoP"); see {@link TokenSource#dpopProof}. */
    @Override
    public Optional<String> dpopProof(AccessToken token, String httpMethod, URI httpUri, Optional<String> nonce) {
        return parts.dpopProof(token, httpMethod, httpUri, nonce);
    }

    /**
     * The MCP server answered {@code 403 insufficient_scope} with {@code scopes} (docs/protocol.md §5): request the
     * union of these and the current scopes from now on. Bounded; returns {@code false} when no further
     * step-up is allowed or nothing new is asked.
     */
    @Override
    public boolean requestScopes(String server, Collection<String> scopes) {
        return tokens.stepUp(server, scopes);
    }

    /**
     * Adds {@code server} while the connector runs; every other server's cached token, renewal and state are kept.
     * @throws IllegalArgumentException a server of that name is configured already (remove it first)
     */
    public void addServer(ServerConfig server) {
        servers.add(Objects.requireNonNull(server, "server"));
    }

    /**
     * Removes {@code server} while the connector runs: its token is dropped and later calls for it fail with
     * {@link ConfigurationException}; every other server's state is kept. Returns whether it was configured.
     */
    public boolean removeServer(String server) {
        return perServer.remove(server);
    }

    /**
     * Interactive sign-in in the system browser (docs/protocol.md §1 step 1). Stores the session, clears any
     * "sign-in required" or denial state and emits {@link ConnectorEvent.SignedIn}. Calls made while a sign-in
     * is in progress get the same future (one browser window); cancelling it cancels the sign-in.
     *
     * @throws UnsupportedOperationException when the connector was built with an {@link IdTokenSource}
     */
    @Override
    public CompletableFuture<ConnectorStatus> signIn() {
        return control.signIn(this::status);
    }

    /**
     * Re-reads the stored session after another process changed it (e.g. {@code xaa login} while a broker hosts this
     * connector): drops cached ID and access tokens and any sign-in-required or denial state, and emits
     * {@link ConnectorEvent.SignedIn} when a session is now present, {@link ConnectorEvent.SignedOut} otherwise. The
     * connector also notices such changes by itself within {@link Builder#sessionWatchInterval(Duration)}.
     */
    public ConnectorStatus reloadSession() {
        control.reload();
        return status();
    }

    /**
     * Ends the IdP session: deletes it from the store (under the refresh lock, so a refresh in flight cannot store it
     * again), drops every cached token, emits {@link ConnectorEvent.SignedOut}, then revokes the refresh token at the
     * IdP's {@code revocation_endpoint} (RFC 7009) when it advertises one. The session is forgotten on this machine
     * even when the IdP cannot be reached; the result says which happened (and a warning is logged, without the
     * token). Blocks for at most twice the HTTP timeout (IdP discovery, then revocation). Never throws for an IdP problem.
     */
    @Override
    public SignOutResult signOut() {
        return control.signOut();
    }

    /** {@inheritDoc} One sign-in per server at a time, on its own thread; concurrent calls share it. */
    @Override
    public CompletableFuture<ServerStatus> signIn(String server) {
        return perServer.signIn(server);
    }

    /** {@inheritDoc} @throws ConnectorException {@link ConnectorException.Kind#CONFIGURATION} for an unknown server */
    @Override
    public ServerStatus signOut(String server) {
        return perServer.signOut(server);
    }

    /** Who is signed in, until when, and each server's token state. Never contains a token value. */
    @Override
    public ConnectorStatus status() {
        return perServer.connectorStatus();
    }

    @Override
    public void addListener(ConnectorListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void removeListener(ConnectorListener listener) {
        listeners.remove(listener);
    }

    /** The configured servers, by name, in configuration order (a snapshot: {@link #addServer} makes a new one). */
    public Map<String, ServerConfig> servers() {
        return servers.snapshot();
    }

    /** The IdP, or {@code null} when the connector was built without one (plain-OAuth and unprotected servers only). */
    public IdpConfig idp() {
        return idp;
    }

    public Clock clock() {
        return clock;
    }

    public ConnectorMetrics metrics() {
        return parts.metrics();
    }

    /** Stops background renewal. Cached tokens are discarded with the instance. */
    @Override
    public void close() {
        parts.epoch.close();
        tokens.close();
        parts.grants.close();
    }

    /**
     * Builds a {@link Connector}. Nothing is required: without {@link #idp} the connector serves plain-OAuth and
     * unprotected servers only ({@link Connector#signIn()} then fails with {@link ConnectorException.Kind#CONFIGURATION}). Takes API types only; the engine-typed settings
     * the hosts of this repository use are in {@link dev.xaa4j.connector.internal.ConnectorInternals} (not API).
     * {@link #build()} wires the parts ({@code ConnectorAssembly}). Not thread-safe.
     */
    public static final class Builder {
        static {
            ConnectorInternals.install(new ConnectorAssembly.InternalSetters());
        }

        IdpConfig idp;
        final Map<String, ServerConfig> servers = new LinkedHashMap<>();
        Clock clock = Clock.systemUTC();
        ClientCredentialsSource credentials;
        IdTokenSource idTokenSource;
        Path stateDir;
        boolean journal = true;
        RenewalPolicy policy = RenewalPolicy.defaults();
        Duration httpTimeout = Duration.ofSeconds(10);
        Duration clockSkew = Duration.ofSeconds(60);
        Duration idTokenMargin = Duration.ofSeconds(60);
        URI idpTokenEndpoint;
        URI clientIdMetadataDocument;
        boolean serverSignInOnDemand;
        Duration sessionWatchInterval = Duration.ofSeconds(2);
        boolean dpop = true;
        final Map<String, java.util.function.Supplier<String>> workloadTokens = new LinkedHashMap<>();
        final List<ConnectorListener> listeners = new ArrayList<>();
        final EngineParts engine = new EngineParts();

        private Builder() {
        }

        public Builder idp(IdpConfig idp) {
            this.idp = idp;
            return this;
        }

        public Builder server(ServerConfig server) {
            if (servers.putIfAbsent(server.name(), server) != null) {
                throw new IllegalArgumentException("server '" + server.name() + "' configured twice");
            }
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Where the IdP session is kept: {@code false} (the default) the OS keyring, service {@link #KEYRING_SERVICE},
         * shared by every process of the user; {@code true} only this connector's memory: nothing is written
         * anywhere, the session ends with the process, and client secrets must come from {@link #clientCredentials}.
         */
        public Builder sessionInMemory(boolean inMemory) {
            this.engine.store = inMemory ? new MemoryCredentialStore() : null;
            return this;
        }

        /** Client secrets and keys (default: the OS keyring, see {@link ClientCredentialsSource#secretKey}). */
        public Builder clientCredentials(ClientCredentialsSource credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * The caller supplies ID tokens (conformance suite, host applications): no session is stored, no
         * browser is ever opened, {@link Connector#signIn()} is refused.
         */
        public Builder idTokenSource(IdTokenSource source) {
            this.idTokenSource = source;
            return this;
        }

        /** The per-user state directory (activity journal, lock files). Default: {@code $XDG_STATE_HOME/xaa4j} (else
         * {@code ~/.local/state/xaa4j}) on Linux, {@code ~/Library/Application Support/xaa4j} on macOS, {@code %LOCALAPPDATA%\xaa4j} on Windows. */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        /** Whether to append events to {@code <state dir>/activity.jsonl} (default true). */
        public Builder journal(boolean enabled) {
            this.journal = enabled;
            return this;
        }

        /** After a refusal (access denied, server not enabled, a configuration error), how long callers get the same
         * error without a new request to the IdP or AS (no retry storm; default 60 s). */
        public Builder retryAfterRefusal(Duration wait) {
            this.policy = policy.withDeniedRetryAfter(ConnectorAssembly.positive(wait, "retryAfterRefusal"));
            return this;
        }

        /** Back-off after a transient failure (IdP or AS unreachable): the first wait (default 1 s), doubling up to
         * {@code max} (default 60 s), jittered. */
        public Builder backoff(Duration first, Duration max) {
            this.policy = ConnectorAssembly.backoff(policy, first, max);
            return this;
        }

        /** How long {@link Connector#token} waits for a renewal when no valid token is cached (default 30 s). */
        public Builder tokenWait(Duration wait) {
            this.policy = policy.withCallerWait(ConnectorAssembly.positive(wait, "tokenWait"));
            return this;
        }

        /** Connect and read timeout of each token request (default 10 s). @throws IllegalArgumentException null, zero or negative */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = ConnectorAssembly.positive(timeout, "httpTimeout");
            return this;
        }

        /** Clock skew tolerated when validating ID tokens (default 60 s). @throws IllegalArgumentException null or negative */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = ConnectorAssembly.notNegative(skew, "clockSkew");
            return this;
        }

        /** An ID token is refreshed when it has less than this left (capped at 25 % of its lifetime; default 60 s).
         * @throws IllegalArgumentException null or negative */
        public Builder idTokenMargin(Duration margin) {
            this.idTokenMargin = ConnectorAssembly.notNegative(margin, "idTokenMargin");
            return this;
        }

        public Builder listener(ConnectorListener listener) {
            this.listeners.add(listener);
            return this;
        }

        /**
         * The https URL of this installation's OAuth Client ID Metadata Document
         * (draft-ietf-oauth-client-id-metadata-document; MCP authorization "Client ID Metadata Documents"): used as
         * the {@code client_id} of the plain OAuth flow at authorization servers that advertise
         * {@code client_id_metadata_document_supported}. Unset (default): such servers get dynamic client
         * registration instead.
         */
        public Builder clientIdMetadataDocument(URI url) {
            this.clientIdMetadataDocument = url;
            return this;
        }

        /**
         * Whether {@link Connector#token} may open the browser itself for a plain-OAuth server that has no grant yet
         * (default false: it fails with {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED} and a person signs in
         * with {@link Connector#signIn(String)}). True suits a program with a person at the screen and no tray.
         */
        public Builder serverSignInOnDemand(boolean onDemand) {
            this.serverSignInOnDemand = onDemand;
            return this;
        }

        /**
         * The IdP token endpoint for the token exchange, when it is known from elsewhere (the MCP conformance
         * suite hands it out with the ID token): the exchange then needs no IdP discovery. Meant for use with
         * {@link #idTokenSource}; sign-in and refresh still discover the IdP.
         */
        public Builder idpTokenEndpoint(URI tokenEndpoint) {
            this.idpTokenEndpoint = tokenEndpoint;
            return this;
        }

        /**
         * How often to check whether another process signed in or out (a small file read; default 2 s; zero
         * turns it off). On a change the cached tokens and any "sign in again" state are dropped and
         * {@link ConnectorEvent.SignedIn} or {@link ConnectorEvent.SignedOut} is emitted.
         */
        public Builder sessionWatchInterval(Duration interval) {
            this.sessionWatchInterval = Objects.requireNonNull(interval);
            return this;
        }

        /**
         * Whether tokens are DPoP-bound (RFC 9449) where the authorization server advertises ES256 in {@code
         * dpop_signing_alg_values_supported} (default true; the per-install P-256 key lives in the OS keyring, or in
         * memory with {@link #sessionInMemory}). False: always Bearer.
         */
        public Builder dpop(boolean enabled) {
            this.dpop = enabled;
            return this;
        }

        /**
         * Where the workload JWT of one {@link AuthMode#WORKLOAD} server comes from, called for every token request
         * (a platform token rotates); overrides {@link ServerConfig#workloadToken()}. The value is never stored or logged.
         */
        public Builder workloadToken(String server, java.util.function.Supplier<String> jwt) {
            this.workloadTokens.put(Objects.requireNonNull(server, "server"), Objects.requireNonNull(jwt, "jwt"));
            return this;
        }

        public Connector build() {
            return new Connector(this);
        }
    }
}
