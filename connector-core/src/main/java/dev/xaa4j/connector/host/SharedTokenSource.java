package dev.xaa4j.connector.host;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerException;
import dev.xaa4j.connector.host.broker.BrokerNotRunningException;
import dev.xaa4j.connector.host.broker.BrokerTokenSource;
import dev.xaa4j.connector.host.broker.UnknownServerException;
import dev.xaa4j.connector.host.config.SessionStorage;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docs/architecture.md "One session owner per machine" as one {@link TokenSource}: the local broker's tokens (tray
 * app or {@code xaa agent}, through {@link BrokerTokenSource}) while one runs, else an embedded connector's (keyring
 * + file lock). Used by the bridge, {@code xaa login/logout/status/token} and, through
 * {@link TokenSource#shared}, by Java agents with the MCP SDK adapter.
 *
 * <p>The broker is looked for on first use. When it goes away (connection closed, or no answer in time) the call
 * in progress is answered by the embedded connector at once and the {@link #onSwitch} callbacks run (an offline
 * bridge reconnects). While on the embedded connector, the broker is looked for again at most every
 * {@link #PROBE_INTERVAL} (a missing socket costs one {@code stat}), so a tray app started later takes over.
 * Callers arriving while a probe runs wait for its outcome (bounded by the connect timeout, or, when
 * {@code connect} starts the agent on demand, by its start wait: docs/architecture.md "One session owner per
 * machine").
 *
 * <p>The embedded connector is built on first use (reading the OS keyring can be slow or fail); a failure to build
 * is thrown on every call and the build tried again after {@link #RETRY_BUILD}, so a bridge started before
 * {@code xaa idp} and {@code xaa login} works once they have run. A broker that keeps the session only in its
 * memory ({@link SessionStorage#MEMORY}) holds the only session there is: a server it does not serve is a
 * {@link ConfigurationException}, never a reason to use the keyring. Thread-safe; never hangs on the broker.
 */
public final class SharedTokenSource implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(SharedTokenSource.class);
    /** How often the broker is looked for again while the embedded connector serves. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
    /** How long a failed build of the embedded connector is answered from memory before it is tried again. */
    public static final Duration RETRY_BUILD = Duration.ofSeconds(2);

    private final Supplier<BrokerClient> connect;
    private final Supplier<? extends TokenSource> build;
    private final Clock clock;
    private final List<Runnable> switchListeners = new CopyOnWriteArrayList<>();
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();
    private volatile BrokerTokenSource broker;
    private volatile long nextProbeNanos = System.nanoTime();
    private volatile TokenSource embedded;
    private RuntimeException broken; // guarded by this
    private long retryAtNanos;       // guarded by this
    private volatile boolean closed;

    /**
     * @param connect  connects to the broker (or starts one: {@link dev.xaa4j.connector.host.broker.AgentLauncher});
     *                 throws {@link BrokerNotRunningException} when none runs
     * @param embedded builds the embedded connector, on first use (may throw: reported on each call)
     */
    public SharedTokenSource(Supplier<BrokerClient> connect, Supplier<? extends TokenSource> embedded, Clock clock) {
        this.connect = connect;
        this.build = embedded;
        this.clock = clock;
    }

    /** The per-user broker ({@link BrokerClient#connect()}), else {@code embedded}. */
    public static SharedTokenSource standard(Supplier<? extends TokenSource> embedded) {
        return new SharedTokenSource(BrokerClient::connect, embedded, Clock.systemUTC());
    }

    /** Whether tokens come from the broker right now (for tests and {@code -v} logs). */
    public boolean usingBroker() {
        BrokerTokenSource b = broker;
        return b != null && b.isOpen();
    }

    /** The running broker's connection, looking for one if it is time to (empty: none runs). */
    public Optional<BrokerClient> broker() {
        return Optional.ofNullable(current()).map(BrokerTokenSource::client);
    }

    /** Runs {@code listener} when the source switches (the broker went away or was found): worth reconnecting. */
    public void onSwitch(Runnable listener) {
        switchListeners.add(listener);
    }

    @Override
    public AccessToken token(String server) {
        return route(server, b -> b.token(server), e -> e.token(server));
    }

    @Override
    public Optional<AccessToken> cachedToken(String server) {
        BrokerTokenSource b = broker;
        if (b != null && b.isOpen()) {
            return b.cachedToken(server);
        }
        TokenSource e = embedded;
        return e == null ? Optional.empty() : e.cachedToken(server);
    }

    @Override
    public boolean invalidate(String server, String rejectedValue) {
        return invalidate(server, rejectedValue, Optional.empty());
    }

    @Override
    public boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata) {
        return route(server, b -> b.invalidate(server, rejectedValue),
                e -> e.invalidate(server, rejectedValue, challengedResourceMetadata));
    }

    @Override
    public boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata,
                              Collection<String> challengedScopes) { // the broker protocol carries no challenge
        return route(server, b -> b.invalidate(server, rejectedValue),
                e -> e.invalidate(server, rejectedValue, challengedResourceMetadata, challengedScopes));
    }

    /**
     * Made where the token comes from: the broker's host while a broker serves {@code token.server()} (its key never
     * leaves it), else the embedded connector. A broker keeping its session in the keyring and the embedded connector
     * share the keyring's key, so a token from a broker that went away still gets a valid proof; one from a broker
     * that keeps its session in memory does not, and the server's 401 renews the token here.
     */
    @Override
    public Optional<String> dpopProof(AccessToken token, String httpMethod, URI httpUri, Optional<String> nonce) {
        if (!token.dpopBound()) {
            return Optional.empty();
        }
        return route(token.server(), b -> b.dpopProof(token, httpMethod, httpUri, nonce),
                e -> e.dpopProof(token, httpMethod, httpUri, nonce));
    }

    @Override
    public boolean requestScopes(String server, Collection<String> scopes) {
        return route(server, b -> b.requestScopes(server, scopes), e -> e.requestScopes(server, scopes));
    }

    /**
     * Signs in where the session lives: a broker keeping it in its memory signs in with its own browser; otherwise
     * the embedded connector signs in here (the session goes to the keyring) and a running broker is told to
     * re-read it, so its bridges use the new session at once.
     */
    @Override
    public CompletableFuture<ConnectorStatus> signIn() {
        return signIn(BrokerTokenSource.SIGN_IN_WAIT);
    }

    /** As {@link #signIn()}; a broker signing in is given {@code timeout} for the person at its browser. */
    public CompletableFuture<ConnectorStatus> signIn(Duration timeout) {
        BrokerTokenSource b = current();
        if (b != null && inMemory(b)) {
            return b.signIn(timeout);
        }
        return embedded().signIn().thenApply(status -> {
            BrokerTokenSource running = current();
            if (running != null) {
                try {
                    running.client().sessionChanged();
                } catch (RuntimeException e) {
                    LOG.warn("the running agent did not take the new session: {}", e.getMessage());
                }
            }
            return status;
        });
    }

    /**
     * The per-server sign-in where the grants live: a running broker's host signs in with its browser (it keeps the
     * server's grant and renews it; its bridges hear {@code token_issued} at once); an older broker or one that
     * goes away hands it to the embedded connector, as does a keyring broker that does not serve {@code server}.
     */
    @Override
    public CompletableFuture<ServerStatus> signIn(String server) {
        BrokerTokenSource b = current();
        if (b == null) {
            return embedded().signIn(server);
        }
        return b.signIn(server).exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof UnknownServerException unknown) {
                requireKeyringBroker(b, server, unknown);
            } else if (cause instanceof BrokerException lostBroker) {
                lost(b, lostBroker);
            } else {
                return CompletableFuture.failedFuture(cause);
            }
            return embedded().signIn(server);
        });
    }

    /** Ends {@code server}'s grant where it lives: the broker's while one serves it, else the embedded connector's. */
    @Override
    public ServerStatus signOut(String server) {
        return route(server, b -> b.signOut(server), e -> e.signOut(server));
    }

    /**
     * Signs out everywhere: the broker's session (every bridge using it is signed out with it), then this
     * machine's keyring session when it is another one (the broker serves another IdP) or the broker failed. A
     * memory broker's session is the only one. Without an embedded connector to build (not set up, memory mode
     * without an agent) the broker's result is all there is.
     */
    @Override
    public SignOutResult signOut() {
        SignOutResult result = null;
        BrokerTokenSource b = current();
        if (b != null) {
            try {
                boolean only = inMemory(b);
                result = b.signOut();
                if (only) {
                    return result;
                }
            } catch (BrokerException e) {
                LOG.warn("the agent failed ({}): signing out here", e.getMessage());
                lost(b, e);
            }
        }
        TokenSource e;
        try {
            e = embedded();
        } catch (RuntimeException none) {
            return result != null ? result : new SignOutResult(Optional.empty(), SignOutResult.Revocation.NOTHING_TO_REVOKE,
                    Optional.empty());
        }
        return result == null || e.status().signedIn() ? e.signOut() : result;
    }

    @Override
    public ConnectorStatus status() {
        BrokerTokenSource b = current();
        if (b != null) {
            try {
                return b.status();
            } catch (BrokerException e) {
                lost(b, e);
            }
        }
        return embedded().status();
    }

    @Override
    public void addListener(ConnectorListener listener) {
        listeners.add(listener);
        eachSource(s -> s.addListener(listener));
    }

    @Override
    public void removeListener(ConnectorListener listener) {
        listeners.remove(listener);
        eachSource(s -> s.removeListener(listener));
    }

    /** {@code action} on the broker's source and the embedded connector, those that exist now. */
    private void eachSource(java.util.function.Consumer<TokenSource> action) {
        BrokerTokenSource b = broker;
        if (b != null) {
            action.accept(b);
        }
        TokenSource e = embedded;
        if (e != null) {
            action.accept(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        BrokerTokenSource b;
        TokenSource e;
        synchronized (this) {
            b = broker;
            e = embedded;
            broker = null;
            embedded = null;
        }
        if (b != null) {
            b.close();
        }
        if (e != null) {
            e.close();
        }
    }

    /** The broker's answer when it serves {@code server}, else the embedded connector's. */
    private <T> T route(String server, Function<BrokerTokenSource, T> viaBroker, Function<TokenSource, T> viaEmbedded) {
        BrokerTokenSource b = current();
        if (b != null) {
            try {
                return viaBroker.apply(b);
            } catch (UnknownServerException e) {
                requireKeyringBroker(b, server, e); // configured after the broker started, or an ad-hoc URL
            } catch (BrokerException e) {
                lost(b, e);
            }
        }
        return viaEmbedded.apply(embedded());
    }

    private static boolean inMemory(BrokerTokenSource b) {
        return b.client().sessionStorage() == SessionStorage.MEMORY;
    }

    private static void requireKeyringBroker(BrokerTokenSource b, String server, UnknownServerException e) {
        if (inMemory(b)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "the xaa agent (pid " + b.client().brokerPid()
                    + ") keeps the session in its memory and does not serve '" + server + "' (" + e.getMessage()
                    + "); add it with `xaa server add` (the agent follows the configuration)", e);
        }
    }

    private TokenSource embedded() {
        TokenSource e = embedded;
        if (e != null) {
            return e;
        }
        synchronized (this) {
            if (embedded == null) {
                if (closed) {
                    throw new IllegalStateException("this token source is closed");
                }
                if (broken != null && System.nanoTime() - retryAtNanos < 0) {
                    throw broken;
                }
                try {
                    TokenSource created = build.get();
                    listeners.forEach(created::addListener);
                    embedded = created;
                    broken = null;
                } catch (RuntimeException failed) {
                    broken = failed;
                    retryAtNanos = System.nanoTime() + RETRY_BUILD.toNanos();
                    throw failed;
                }
            }
            return embedded;
        }
    }

    private BrokerTokenSource current() {
        BrokerTokenSource b = broker;
        if (b != null && b.isOpen()) {
            return b;
        }
        if (closed || System.nanoTime() - nextProbeNanos < 0) {
            return null;
        }
        synchronized (this) {
            b = broker;
            if (b != null && b.isOpen()) {
                return b;
            }
            if (System.nanoTime() - nextProbeNanos < 0) {
                return null;
            }
            try {
                BrokerClient client = connect.get();
                BrokerTokenSource created;
                try {
                    created = new BrokerTokenSource(client, clock);
                } catch (RuntimeException e) {
                    client.close();
                    throw e;
                }
                listeners.forEach(created::addListener);
                client.onClose(() -> {
                    if (!closed) {
                        LOG.info("the xaa broker went away: using the embedded connector");
                        switchListeners.forEach(Runnable::run);
                    }
                });
                broker = created;
                LOG.info("using the xaa broker (pid {}) for tokens", client.brokerPid());
                return created;
            } catch (BrokerNotRunningException e) {
                LOG.debug("no broker: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("cannot use the xaa broker ({}): using the embedded connector", e.getMessage());
            } finally {
                nextProbeNanos = System.nanoTime() + PROBE_INTERVAL.toNanos();
            }
            broker = null;
            return null;
        }
    }

    private void lost(BrokerTokenSource b, BrokerException e) {
        LOG.info("the xaa broker failed ({}): using the embedded connector", e.getMessage());
        synchronized (this) {
            if (broker == b) {
                broker = null;
                nextProbeNanos = System.nanoTime() + PROBE_INTERVAL.toNanos();
            }
        }
        b.close();
    }
}
