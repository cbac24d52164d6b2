package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.ActivityJournal;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.grant.ClientAuth;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.IdpRefresh;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.headless.HeadlessFlows;
import dev.xaa4j.connector.internal.oauth.OAuthServerGrants;
import dev.xaa4j.connector.internal.oauth.ServerGrants;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.KeyringClientCredentials;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.connector.internal.token.FlowRouter;
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
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Wires a {@link Connector}'s parts from its {@link Connector.Builder}'s settings (docs/architecture.md "Data
 * flow"): the credential store and client credentials, the IdP session (or a caller's {@link IdTokenSource}, or
 * none without an IdP), the flow choice ({@link FlowRouter}) routing to the ID-JAG exchange and jwt-bearer grant or
 * to the plain MCP authorization flow ({@link ServerGrants}), the token cache and the session control.
 * Also hands the builder's engine-typed setters to {@link ConnectorInternals}. Not API; used once per
 * {@link Connector.Builder#build()}, on the building thread.
 */
final class ConnectorAssembly {

    final Discovery discovery;
    final SessionEpoch epoch;
    final IdTokenProvider idTokens;
    final TokenManager tokens;
    final SessionControl control;
    final ServerGrants grants;
    /** The flow choice per server; {@code null} when a test injected the whole fetcher. */
    final FlowRouter router;
    /** The installation's DPoP proofs (docs/architecture.md "DPoP"); {@code null} when {@link Connector.Builder#dpop} is off. */
    final DPoPProofs dpop;
    private final SessionAccess session; // none with a caller-supplied IdTokenSource
    private final Connector.Builder settings;

    ConnectorAssembly(Connector.Builder b, ServerTable servers, Consumer<ConnectorEvent> publish) {
        this.settings = b;
        IdpConfig idp = b.idp; // null: plain-OAuth and unprotected servers only
        this.discovery = b.engine.discovery != null ? b.engine.discovery : new Discovery(b.clock, Discovery.DEFAULT_TTL, b.httpTimeout);
        CredentialStore store = b.engine.store;
        if (store == null && (b.idTokenSource == null || b.credentials == null)) {
            store = new KeyringCredentialStore(Connector.KEYRING_SERVICE);
        }
        ClientCredentialsSource credentials = b.credentials != null ? b.credentials : new KeyringClientCredentials(store);

        String issuer = idp == null ? null : idp.issuer().toString();
        ClientAuth idpAuth = idp == null ? null : ClientAuthFactory.create(idp.authMethod(), issuer, idp.clientId(), credentials);
        if (b.idTokenSource != null || idp == null) {
            this.session = null;
            this.epoch = new SessionEpoch(() -> 0L);
            this.idTokens = new SuppliedIdTokenProvider(b.idTokenSource != null ? b.idTokenSource : () -> null);
        } else {
            Path stateDir = b.stateDir != null ? b.stateDir : ActivityJournal.defaultStateDir();
            SessionAccess stored = SessionAccess.of(new SessionStore(store, stateDir.resolve("locks")), issuer, idp.clientId());
            this.session = stored;
            this.epoch = new SessionEpoch(stored::generation);
            IdpRefresh refresh = new IdpRefresh(b.clock, b.httpTimeout);
            this.idTokens = new SessionIdTokenProvider(stored, current -> refresh.refresh(current,
                    control().idpMetadata().getTokenEndpointURI(), idpAuth,
                    idToken -> control().verifier().verify(idToken, null),
                    stored::save, stored::delete), b.clock, b.idTokenMargin, epoch::current);
        }
        CredentialStore grantStore = store != null ? store : new MemoryCredentialStore();
        this.dpop = b.dpop ? DPoPProofs.of(grantStore) : null; // the key is read (or made) on the first proof
        this.grants = b.engine.grants != null ? b.engine.grants : new OAuthServerGrants(b.clock, b.httpTimeout, grantStore, credentials,
                Optional.ofNullable(b.clientIdMetadataDocument), b.engine.browserLauncher, System.getenv(), dpop);
        URI pinnedTokenEndpoint = b.idpTokenEndpoint;
        Function<ServerConfig, ServerMetadata> discover =
                cfg -> servers.discovered(cfg, discovery.server(cfg.url(), cfg.pinnedAsIssuer()));
        TokenFetcher ema = idp == null ? null : new XaaTokenFetcher(issuer,
                () -> pinnedTokenEndpoint != null ? pinnedTokenEndpoint : control().idpMetadata().getTokenEndpointURI(),
                idpAuth, servers.live(), discover, credentials, idTokens,
                new IdJagExchange(b.clock, b.httpTimeout), new JwtBearerGrant(b.clock, b.httpTimeout),
                task -> DaemonThreads.start(task, "xaa4j-renewal-idp"), dpop,
                () -> pinnedTokenEndpoint == null && DPoPProofs.advertised(control().idpMetadata()));
        // An injected fetcher (tests, benchmarks) replaces the whole chain, flow choice included.
        this.router = b.engine.fetcher != null ? null : new FlowRouter(servers.live(), discover, ema, grants, b.serverSignInOnDemand,
                new HeadlessFlows(b.clock, b.httpTimeout, credentials, b.workloadTokens, dpop));
        TokenFetcher fetcher = b.engine.fetcher != null ? b.engine.fetcher : router;
        this.tokens = new TokenManager(fetcher, b.clock, b.policy, publish, servers::contains, epoch::current, grants::grantReady);
        this.control = new SessionControl(idp, b.clock, discovery, credentials, session, epoch, () -> idTokens, () -> tokens,
                b.engine.browserSignIn != null ? b.engine.browserSignIn : new BrowserSignIn(), b.engine.signInOptions, b.clockSkew,
                b.httpTimeout, publish);
    }

    /** {@link TokenSource#dpopProof}: a proof with this installation's key for a DPoP-bound token, else empty. */
    Optional<String> dpopProof(AccessToken token, String httpMethod, URI httpUri, Optional<String> nonce) {
        if (!token.dpopBound()) {
            return Optional.empty();
        }
        if (dpop == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, token.server(), "The token for '"
                    + token.server() + "' is DPoP-bound but DPoP is turned off in this connector; get a new token", null, null);
        }
        return Optional.of(dpop.forResource(token.value(), httpMethod, httpUri, nonce));
    }

    private SessionControl control() { // for the lambdas above, which run after the constructor
        return control;
    }

    /** Starts watching the stored session for changes by other processes (none with an {@link IdTokenSource}). */
    void start() {
        if (session != null) {
            epoch.watch(settings.sessionWatchInterval, control::changedElsewhere);
        }
    }

    /** The builder's engine-typed setters, for {@link ConnectorInternals} (hosts and tests on the class path). */
    static final class InternalSetters implements ConnectorInternals.Setters {
        @Override
        public void credentialStore(Connector.Builder b, CredentialStore store) {
            b.engine.store = store;
        }

        @Override
        public void renewalPolicy(Connector.Builder b, RenewalPolicy policy) {
            b.policy = Objects.requireNonNull(policy);
        }

        @Override
        public void discovery(Connector.Builder b, Discovery discovery) {
            b.engine.discovery = discovery;
        }

        @Override
        public void browserSignIn(Connector.Builder b, BrowserSignIn signIn, SignInOptions options) {
            b.engine.browserSignIn = signIn;
            b.engine.signInOptions = options;
        }

        @Override
        public void tokenFetcher(Connector.Builder b, TokenFetcher fetcher) {
            b.engine.fetcher = fetcher;
        }

        @Override
        public void browserLauncher(Connector.Builder b, dev.xaa4j.connector.internal.signin.BrowserLauncher launcher) {
            b.engine.browserLauncher = launcher; // per-server sign-ins; the IdP's BrowserSignIn opens its own browser
        }

        @Override
        public void serverGrants(Connector.Builder b, ServerGrants grants) {
            b.engine.grants = grants;
        }
    }

    /** {@link Connector#metrics()}: the token manager's counters. */
    ConnectorMetrics metrics() {
        TokenManager.Stats s = tokens.stats();
        return new ConnectorMetrics(s.renewals(), s.blockedCalls(), s.failures());
    }

    /** {@link Connector.Builder#backoff}: {@code first} and {@code max} positive, {@code max} at least {@code first}. */
    static RenewalPolicy backoff(RenewalPolicy policy, Duration first, Duration max) {
        if (positive(max, "backoff max").compareTo(positive(first, "backoff first")) < 0) {
            throw new IllegalArgumentException("backoff: max " + max + " is less than first " + first);
        }
        return policy.withBackoff(first, max);
    }

    /** Delivers {@code event} to each of {@code listeners}; one that throws is logged and the others still get it. */
    static void publish(java.util.List<ConnectorListener> listeners, ConnectorEvent event) {
        for (ConnectorListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Connector.class).warn("listener failed on {}: {}", event.type(), e.toString());
            }
        }
    }

    /** {@code d} for a {@link Connector.Builder} setting named {@code what}. @throws IllegalArgumentException null, zero or negative */
    static Duration positive(Duration d, String what) {
        if (notNegative(d, what).isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
        }
        return d;
    }

    /** {@code d} for a {@link Connector.Builder} setting named {@code what}. @throws IllegalArgumentException null or negative */
    static Duration notNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be a positive duration or zero, not " + d);
        }
        return d;
    }
}
