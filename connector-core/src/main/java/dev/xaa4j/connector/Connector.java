package dev.xaa4j.connector;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.internal.ActivityJournal;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientAuth;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.IdpRefresh;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.grant.Redaction;
import dev.xaa4j.connector.internal.grant.TokenRevocation;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.IdTokenVerifier;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.signin.SignInResult;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.KeyringClientCredentials;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.connector.internal.token.IdTokenProvider;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import dev.xaa4j.connector.internal.token.SessionAccess;
import dev.xaa4j.connector.internal.token.SessionEpoch;
import dev.xaa4j.connector.internal.token.SessionIdTokenProvider;
import dev.xaa4j.connector.internal.token.SuppliedIdTokenProvider;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenManager;
import dev.xaa4j.connector.internal.token.XaaTokenFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 *         .idp(new IdpConfig(URI.create("https://idp.example"), "xaa4j-desktop", ClientAuthMethod.CLIENT_SECRET_BASIC))
 *         .server(ServerConfig.of("notes", URI.create("https://notes.example/mcp"), "xaa4j", ClientAuthMethod.CLIENT_SECRET_BASIC))
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
 *
 * <p>Only the IdP session is persisted (in the OS keyring by default, or only in memory, see
 * {@link Builder#sessionInMemory}); access tokens stay in memory. Secrets come from a
 * {@link ClientCredentialsSource}, never from configuration.
 */
public final class Connector implements TokenSource {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connector.class);
    /** The OS keyring service under which the IdP session and client secrets are kept by default. */
    public static final String KEYRING_SERVICE = "xaa4j";

    private final IdpConfig idp;
    private final Map<String, ServerConfig> servers;
    private final Clock clock;
    private final Discovery discovery;
    private final ClientCredentialsSource credentials;
    private final SessionStore sessionStore; // null with a caller-supplied IdTokenSource
    private final SessionAccess session;     // null with a caller-supplied IdTokenSource
    private final SessionEpoch epoch;
    private final IdTokenProvider idTokens;
    private final TokenManager tokens;
    private final BrowserSignIn browserSignIn;
    private final SignInOptions signInOptions;
    private final Duration clockSkew;
    private final Duration httpTimeout;
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();
    private volatile IdTokenVerifier verifier;
    private final Map<String, URI> resourceMetadataUsed = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<ConnectorStatus>> signInInFlight =
            new java.util.concurrent.atomic.AtomicReference<>();

    private Connector(Builder b) {
        this.idp = Objects.requireNonNull(b.idp, "idp(...) is required");
        // No server is fine: signing in, out and the status need only the IdP.
        this.servers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.servers));
        this.clock = b.clock;
        this.discovery = b.discovery != null ? b.discovery : new Discovery(clock, Discovery.DEFAULT_TTL, b.httpTimeout);
        this.clockSkew = b.clockSkew;
        this.httpTimeout = b.httpTimeout;
        this.browserSignIn = b.browserSignIn != null ? b.browserSignIn : new BrowserSignIn();
        this.signInOptions = b.signInOptions;
        listeners.addAll(b.listeners);
        if (b.journal) {
            listeners.add(new ActivityJournal(b.stateDir != null ? b.stateDir : ActivityJournal.defaultStateDir()));
        }
        CredentialStore store = b.store;
        if (store == null && (b.idTokenSource == null || b.credentials == null)) {
            store = new KeyringCredentialStore(KEYRING_SERVICE);
        }
        this.credentials = b.credentials != null ? b.credentials : new KeyringClientCredentials(store);

        String issuer = idp.issuer().toString();
        ClientAuth idpAuth = ClientAuthFactory.create(idp.authMethod(), issuer, idp.clientId(), credentials);
        IdJagExchange exchange = new IdJagExchange(clock, b.httpTimeout);
        JwtBearerGrant jwtBearer = new JwtBearerGrant(clock, b.httpTimeout);
        if (b.idTokenSource != null) {
            this.sessionStore = null;
            this.session = null;
            this.epoch = new SessionEpoch(() -> 0L);
            this.idTokens = new SuppliedIdTokenProvider(b.idTokenSource);
        } else {
            Path stateDir = b.stateDir != null ? b.stateDir : ActivityJournal.defaultStateDir();
            this.sessionStore = new SessionStore(store, stateDir.resolve("locks"));
            this.session = SessionAccess.of(sessionStore, issuer, idp.clientId());
            this.epoch = new SessionEpoch(session::generation);
            IdpRefresh refresh = new IdpRefresh(clock, b.httpTimeout);
            this.idTokens = new SessionIdTokenProvider(session, current -> refresh.refresh(current,
                    idpMetadata().getTokenEndpointURI(), idpAuth,
                    idToken -> verifier().verify(idToken, null),
                    session::save, session::delete), clock, b.idTokenMargin, epoch::current);
        }
        URI pinnedTokenEndpoint = b.idpTokenEndpoint;
        TokenFetcher fetcher = b.fetcher != null ? b.fetcher : new XaaTokenFetcher(issuer,
                () -> pinnedTokenEndpoint != null ? pinnedTokenEndpoint : idpMetadata().getTokenEndpointURI(), idpAuth, servers,
                cfg -> {
                    ServerMetadata meta = discovery.server(cfg.url(), cfg.pinnedAsIssuer());
                    resourceMetadataUsed.put(cfg.name(), meta.resourceMetadataUrl());
                    return meta;
                }, credentials, idTokens, exchange, jwtBearer);
        this.tokens = new TokenManager(fetcher, clock, b.policy, this::publish, servers::containsKey, epoch::current);
        if (session != null) {
            epoch.watch(b.sessionWatchInterval, this::sessionChangedElsewhere);
        }
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
    public AccessToken token(String server) {
        return tokens.token(server);
    }

    /** Like {@link #token(String)} without blocking the calling thread. */
    public CompletableFuture<AccessToken> tokenAsync(String server) {
        return tokens.tokenAsync(server);
    }

    /** The cached usable token, if any; never starts a renewal, never blocks. */
    public Optional<AccessToken> cachedToken(String server) {
        return tokens.peek(server);
    }

    /**
     * The MCP server answered 401 to {@code rejectedValue} (docs/protocol.md §5 "RS 401"): forget it so the next
     * {@link #token} renews. Used by the MCP adapter before replaying the request once.
     */
    public boolean invalidate(String server, String rejectedValue) {
        return tokens.invalidate(server, rejectedValue);
    }

    /**
     * As {@link #invalidate(String, String)}, and re-runs discovery before the next renewal when the 401
     * challenge names a different {@code resource_metadata} than the one discovery used (docs/protocol.md §6
     * step 10).
     */
    public boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata) {
        ServerConfig config = servers.get(server);
        URI known = resourceMetadataUsed.get(server);
        if (config != null && known != null && challengedResourceMetadata.isPresent()
                && !challengedResourceMetadata.get().equals(known)) {
            discovery.invalidate(config.url());
        }
        return invalidate(server, rejectedValue);
    }

    /**
     * The MCP server answered {@code 403 insufficient_scope} with {@code scopes} (docs/protocol.md §5): request the
     * union of these and the current scopes from now on. Bounded; returns {@code false} when no further
     * step-up is allowed or nothing new is asked.
     */
    public boolean requestScopes(String server, Collection<String> scopes) {
        return tokens.stepUp(server, scopes);
    }

    /**
     * Interactive sign-in in the system browser (docs/protocol.md §1 step 1). Stores the session, clears any
     * "sign-in required" or denial state and emits {@link ConnectorEvent.SignedIn}. Calls made while a sign-in
     * is in progress get the same future (one browser window); cancelling it cancels the sign-in.
     *
     * @throws UnsupportedOperationException when the connector was built with an {@link IdTokenSource}
     */
    public CompletableFuture<ConnectorStatus> signIn() {
        if (sessionStore == null) {
            throw new UnsupportedOperationException("This connector uses a caller-supplied ID token; it cannot sign in");
        }
        // One browser at a time: concurrent calls share the sign-in in progress (no popup storms).
        CompletableFuture<ConnectorStatus> mine = new CompletableFuture<>();
        CompletableFuture<ConnectorStatus> running = signInInFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        try {
            OIDCProviderMetadata meta = idpMetadata();
            ClientAuthentication auth = signInClientAuth();
            CompletableFuture<SignInResult> browser = browserSignIn.start(meta, idp.clientId(), auth, signInOptions);
            mine.whenComplete((status, error) -> {
                if (mine.isCancelled()) {
                    signInInFlight.compareAndSet(mine, null);
                    browser.cancel(true); // closes the loopback listener
                }
            });
            browser.thenApply(this::acceptSignIn)
                    .whenComplete((status, error) -> {
                        signInInFlight.compareAndSet(mine, null);
                        if (error != null) {
                            mine.completeExceptionally(error);
                        } else {
                            mine.complete(status);
                        }
                    });
        } catch (RuntimeException e) {
            signInInFlight.set(null);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /**
     * Stores the result of the browser sign-in as the session.
     */
    private ConnectorStatus acceptSignIn(SignInResult result) {
        if (session == null) {
            throw new UnsupportedOperationException("This connector uses a caller-supplied ID token; it has no session");
        }
        var claims = result.idTokenClaims();
        Instant authTime = claims.getClaim("auth_time") instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : clock.instant();
        IdpSession s = new IdpSession(idp.issuer().toString(), idp.clientId(), claims.getSubject(), result.idToken(),
                claims.getExpirationTime().toInstant(), result.refreshToken(), authTime);
        // Under the refresh lock: a refresh of the old session in flight cannot overwrite or delete this one.
        session.replace(s, epoch::changedHere);
        idTokens.reset();
        tokens.clear(); // possibly another user: no token of the old session is served any more
        tokens.clearFailures();
        publish(new ConnectorEvent.SignedIn(clock.instant(), s.subject(), s.idTokenExpiresAt()));
        return status();
    }

    /**
     * Re-reads the stored session after another process changed it (e.g. {@code xaa login} while a broker
     * hosts this connector): drops cached ID and access tokens and any sign-in-required or denial state, and
     * emits {@link ConnectorEvent.SignedIn} when a session is now present, {@link ConnectorEvent.SignedOut}
     * otherwise. The connector also notices such changes by itself within
     * {@link Builder#sessionWatchInterval(Duration)}.
     */
    public ConnectorStatus reloadSession() {
        if (session == null) {
            throw new UnsupportedOperationException("This connector uses a caller-supplied ID token; it has no session");
        }
        epoch.changedHere(session.generation());
        dropSessionState(session.load());
        return status();
    }

    /** The session watch saw another process sign in or out: as {@link #reloadSession()}. */
    private void sessionChangedElsewhere() {
        dropSessionState(session.load());
    }

    private void dropSessionState(Optional<IdpSession> now) {
        idTokens.reset();
        tokens.clear();
        tokens.clearFailures();
        now.ifPresentOrElse(s -> publish(new ConnectorEvent.SignedIn(clock.instant(), s.subject(), s.idTokenExpiresAt())),
                () -> publish(new ConnectorEvent.SignedOut(clock.instant(), Optional.empty())));
    }

    /**
     * Ends the IdP session: deletes it from the store (under the refresh lock, so a refresh in flight cannot
     * store it again), drops every cached token, emits {@link ConnectorEvent.SignedOut}, then revokes the
     * refresh token at the IdP's {@code revocation_endpoint} (RFC 7009) when it advertises one. The session is
     * forgotten on this machine even when the IdP cannot be reached; the result says which happened (and a
     * warning is logged, without the token). Blocks for at most twice the HTTP timeout (IdP discovery, then the
     * revocation request). Never throws for an IdP problem.
     */
    public SignOutResult signOut() {
        Optional<IdpSession> ended = Optional.empty();
        if (session != null) {
            ended = session.end(epoch::changedHere);
        }
        idTokens.reset();
        tokens.clear();
        Optional<String> user = ended.map(IdpSession::subject);
        publish(new ConnectorEvent.SignedOut(clock.instant(), user));
        Optional<String> refreshToken = ended.flatMap(IdpSession::refreshToken);
        if (refreshToken.isEmpty()) {
            return new SignOutResult(user, SignOutResult.Revocation.NOTHING_TO_REVOKE, Optional.empty());
        }
        return revoke(user, refreshToken.get());
    }

    private SignOutResult revoke(Optional<String> user, String refreshToken) {
        try {
            OIDCProviderMetadata meta = idpMetadata();
            URI endpoint = meta.getRevocationEndpointURI();
            if (endpoint == null) {
                return new SignOutResult(user, SignOutResult.Revocation.NOT_SUPPORTED, Optional.empty());
            }
            ClientAuthentication auth = ClientAuthFactory.authentication(idp.authMethod(), idp.issuer().toString(),
                    idp.clientId(), credentials, meta.getTokenEndpointURI());
            Optional<String> problem = new TokenRevocation(httpTimeout).revoke(endpoint, auth,
                    new ClientID(idp.clientId()), refreshToken);
            if (problem.isPresent()) { // the result carries it and the caller reports it: debug, not a second line
                LOG.debug("Signed out on this machine, but the IdP did not end the session: {}", problem.get());
                return new SignOutResult(user, SignOutResult.Revocation.FAILED, problem);
            }
            return new SignOutResult(user, SignOutResult.Revocation.REVOKED, Optional.empty());
        } catch (RuntimeException e) { // discovery failed, no client secret, ...
            String problem = Redaction.scrub(e.getMessage());
            LOG.debug("Signed out on this machine, but the IdP did not end the session: {}", problem);
            return new SignOutResult(user, SignOutResult.Revocation.FAILED, Optional.of(problem));
        }
    }

    /** Who is signed in, until when, and each server's token state. Never contains a token value. */
    public ConnectorStatus status() {
        Optional<IdpSession> s = session == null ? Optional.empty() : session.load();
        Map<String, ServerStatus> perServer = new LinkedHashMap<>();
        for (String name : servers.keySet()) {
            perServer.put(name, tokens.status(name));
        }
        return new ConnectorStatus(s.map(IdpSession::subject), s.map(IdpSession::displayName), s.map(IdpSession::idTokenExpiresAt),
                s.map(IdpSession::canRenewIdToken).orElse(false), perServer);
    }

    public void addListener(ConnectorListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(ConnectorListener listener) {
        listeners.remove(listener);
    }

    /** The configured servers, by name. */
    public Map<String, ServerConfig> servers() {
        return servers;
    }

    public IdpConfig idp() {
        return idp;
    }

    public Clock clock() {
        return clock;
    }

    public ConnectorMetrics metrics() {
        TokenManager.Stats s = tokens.stats();
        return new ConnectorMetrics(s.renewals(), s.blockedCalls(), s.failures());
    }

    /** Stops background renewal. Cached tokens are discarded with the instance. */
    @Override
    public void close() {
        epoch.close();
        tokens.close();
    }

    /** One verifier (and so one cached JWKS) for all refreshed ID tokens. */
    private IdTokenVerifier verifier() {
        IdTokenVerifier v = verifier;
        if (v == null) {
            synchronized (this) {
                if (verifier == null) {
                    verifier = new IdTokenVerifier(idpMetadata(), idp.clientId(), clock, clockSkew, httpTimeout);
                }
                v = verifier;
            }
        }
        return v;
    }

    private OIDCProviderMetadata idpMetadata() {
        return discovery.idp(idp.issuer());
    }

    private ClientAuthentication signInClientAuth() {
        return ClientAuthFactory.authentication(idp.authMethod(), idp.issuer().toString(), idp.clientId(), credentials,
                idpMetadata().getTokenEndpointURI());
    }

    private void publish(ConnectorEvent event) {
        for (ConnectorListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Connector.class).warn("listener failed on {}: {}", event.type(), e.toString());
            }
        }
    }

    /**
     * Builds a {@link Connector}. Only {@link #idp} is required. Takes API types only; the engine-typed settings
     * the hosts of this repository use are in {@link dev.xaa4j.connector.internal.ConnectorInternals} (not API).
     * Not thread-safe.
     */
    public static final class Builder {
        static {
            ConnectorInternals.install(new ConnectorInternals.Setters() {
                @Override
                public void credentialStore(Builder b, CredentialStore store) {
                    b.store = store;
                }

                @Override
                public void renewalPolicy(Builder b, RenewalPolicy policy) {
                    b.policy = Objects.requireNonNull(policy);
                }

                @Override
                public void discovery(Builder b, Discovery discovery) {
                    b.discovery = discovery;
                }

                @Override
                public void browserSignIn(Builder b, BrowserSignIn signIn, SignInOptions options) {
                    b.browserSignIn = signIn;
                    b.signInOptions = options;
                }

                @Override
                public void tokenFetcher(Builder b, TokenFetcher fetcher) {
                    b.fetcher = fetcher;
                }
            });
        }

        private IdpConfig idp;
        private final Map<String, ServerConfig> servers = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private CredentialStore store;
        private ClientCredentialsSource credentials;
        private IdTokenSource idTokenSource;
        private Path stateDir;
        private boolean journal = true;
        private RenewalPolicy policy = RenewalPolicy.defaults();
        private Duration httpTimeout = Duration.ofSeconds(10);
        private Duration clockSkew = Duration.ofSeconds(60);
        private Duration idTokenMargin = Duration.ofSeconds(60);
        private Discovery discovery;
        private BrowserSignIn browserSignIn;
        private SignInOptions signInOptions = SignInOptions.defaults();
        private TokenFetcher fetcher;
        private URI idpTokenEndpoint;
        private Duration sessionWatchInterval = Duration.ofSeconds(2);
        private final List<ConnectorListener> listeners = new ArrayList<>();

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
         * Where the IdP session is kept: {@code false} (the default) the OS keyring, service
         * {@link #KEYRING_SERVICE}, shared by every process of the user; {@code true} only this connector's
         * memory: nothing is written anywhere, the session ends with the process, and client secrets must come
         * from {@link #clientCredentials}.
         */
        public Builder sessionInMemory(boolean inMemory) {
            this.store = inMemory ? new MemoryCredentialStore() : null;
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
         * {@code ~/.local/state/xaa4j}) on Linux, {@code ~/Library/Application Support/xaa4j} on macOS,
         * {@code %LOCALAPPDATA%\xaa4j} on Windows. */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        /** Whether to append events to {@code <state dir>/activity.jsonl} (default true). */
        public Builder journal(boolean enabled) {
            this.journal = enabled;
            return this;
        }

        /**
         * After a refusal (access denied, server not enabled, a configuration error), how long callers get the
         * same error without a new request to the IdP or AS (no retry storm; default 60 s).
         */
        public Builder retryAfterRefusal(Duration wait) {
            this.policy = policy.withDeniedRetryAfter(positive(wait, "retryAfterRefusal"));
            return this;
        }

        /**
         * Back-off after a transient failure (IdP or AS unreachable): the first wait (default 1 s), doubling up to
         * {@code max} (default 60 s), jittered.
         */
        public Builder backoff(Duration first, Duration max) {
            if (positive(max, "backoff max").compareTo(positive(first, "backoff first")) < 0) {
                throw new IllegalArgumentException("backoff: max " + max + " is less than first " + first);
            }
            this.policy = policy.withBackoff(first, max);
            return this;
        }

        /** How long {@link Connector#token} waits for a renewal when no valid token is cached (default 30 s). */
        public Builder tokenWait(Duration wait) {
            this.policy = policy.withCallerWait(positive(wait, "tokenWait"));
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
            }
            return d;
        }

        /** Connect and read timeout of each token request (default 10 s). */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = timeout;
            return this;
        }

        /** Clock skew tolerated when validating ID tokens (default 60 s). */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        /** An ID token is refreshed when it has less than this left (capped at 25 % of its lifetime; default 60 s). */
        public Builder idTokenMargin(Duration margin) {
            this.idTokenMargin = margin;
            return this;
        }

        public Builder listener(ConnectorListener listener) {
            this.listeners.add(listener);
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

        public Connector build() {
            return new Connector(this);
        }
    }
}
