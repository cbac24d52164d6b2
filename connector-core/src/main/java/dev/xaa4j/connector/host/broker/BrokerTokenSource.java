package dev.xaa4j.connector.host.broker;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session owner's tokens through a {@link BrokerClient}, as a {@link TokenSource}. A token is kept here until
 * {@link #MARGIN} before it expires, so the hot path makes no round trip (the broker renews ahead of expiry on its
 * side). When the broker has no session this source tells it ({@code signInNeeded}, at most once a minute per
 * server; the tray shows a notification) and throws {@link SignInRequiredException}; it never opens a browser.
 * Broker-level failures ({@link BrokerException}: it went away, it does not answer) are thrown as they are, for
 * the shared source to fall back on its embedded connector. Thread-safe; events come from the client's event
 * thread.
 */
public final class BrokerTokenSource implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTokenSource.class);
    /** A cached token is used while it has more than this left. */
    public static final Duration MARGIN = Duration.ofSeconds(30);
    static final Duration SIGN_IN_NOTICE_INTERVAL = Duration.ofMinutes(1);
    /** How long {@link #signIn()} waits for the person at the host's browser. */
    public static final Duration SIGN_IN_WAIT = Duration.ofMinutes(5);

    private final BrokerClient broker;
    private final Clock clock;
    private final Map<String, AccessToken> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> noticeSent = new ConcurrentHashMap<>();

    /** Subscribes to the broker's events (a round trip): the cache follows sign-ins, sign-outs and revocations. */
    public BrokerTokenSource(BrokerClient broker, Clock clock) {
        this.broker = broker;
        this.clock = clock;
        broker.subscribe(this::onEvent);
    }

    public boolean isOpen() {
        return broker.isOpen();
    }

    public BrokerClient client() {
        return broker;
    }

    @Override
    public Optional<AccessToken> cachedToken(String server) {
        AccessToken t = cache.get(server);
        return t != null && clock.instant().plus(MARGIN).isBefore(t.expiresAt()) ? Optional.of(t) : Optional.empty();
    }

    @Override
    public AccessToken token(String server) {
        Optional<AccessToken> cached = cachedToken(server);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            AccessToken t = broker.token(server);
            cache.put(server, t);
            return t;
        } catch (BrokerException e) {
            throw e;
        } catch (ConnectorException e) {
            cache.remove(server);
            if (e.kind() == ConnectorException.Kind.SIGN_IN_REQUIRED) {
                tellTheHost(server);
            }
            throw e;
        } catch (RuntimeException e) {
            cache.remove(server);
            throw e;
        }
    }

    @Override
    public boolean invalidate(String server, String rejectedValue) {
        AccessToken held = cache.get(server);
        if (held != null && held.value().equals(rejectedValue)) {
            cache.remove(server, held);
        }
        LOG.info("MCP server '{}' rejected the broker's token: asking for a new one", server);
        return broker.invalidate(server, rejectedValue);
    }

    /** Made by the broker's host (op {@code dpopProof}): the DPoP key never leaves the session owner. */
    @Override
    public Optional<String> dpopProof(AccessToken token, String httpMethod, java.net.URI httpUri, Optional<String> nonce) {
        return token.dpopBound() ? Optional.of(broker.dpopProof(token, httpMethod, httpUri, nonce)) : Optional.empty();
    }

    @Override
    public boolean requestScopes(String server, Collection<String> scopes) {
        boolean changed = broker.requestScopes(server, scopes);
        if (changed) {
            cache.remove(server);
        }
        return changed;
    }

    /** The host signs in with its browser ({@code xaa login} while the session lives in the agent's memory). */
    @Override
    public CompletableFuture<ConnectorStatus> signIn() {
        return signIn(SIGN_IN_WAIT);
    }

    /** As {@link #signIn()}, waiting at most {@code timeout} for the broker's answer. */
    public CompletableFuture<ConnectorStatus> signIn(Duration timeout) {
        return CompletableFuture.supplyAsync(() -> broker.signIn(timeout).status());
    }

    /**
     * The broker's host runs the per-server sign-in with its browser ({@code serverSignIn}); completes with the
     * server's status once its token exists, waiting at most {@link #SIGN_IN_WAIT} for the person.
     */
    @Override
    public CompletableFuture<ServerStatus> signIn(String server) {
        return CompletableFuture.supplyAsync(() -> {
            ServerStatus status = broker.signIn(server, SIGN_IN_WAIT);
            cache.remove(server); // the next token() asks the broker for the new one
            return status;
        });
    }

    /** Ends {@code server}'s grant at the broker ({@code serverSignOut}) and forgets its token here. */
    @Override
    public ServerStatus signOut(String server) {
        cache.remove(server);
        return broker.signOut(server);
    }

    @Override
    public SignOutResult signOut() {
        cache.clear();
        return broker.signOut();
    }

    @Override
    public ConnectorStatus status() {
        return broker.status().status();
    }

    @Override
    public void addListener(ConnectorListener listener) {
        broker.subscribe(listener);
    }

    @Override
    public void removeListener(ConnectorListener listener) {
        broker.unsubscribe(listener);
    }

    @Override
    public void close() {
        broker.close();
    }

    private void onEvent(ConnectorEvent e) {
        if (e instanceof ConnectorEvent.SignedIn) {
            cache.clear(); // possibly another user now
            noticeSent.clear();
        } else if (e instanceof ConnectorEvent.SignedOut) {
            cache.clear();
        } else if (e instanceof ConnectorEvent.AccessRevoked r) {
            cache.remove(r.server());
        } else if (e instanceof ConnectorEvent.SignInRequired r) {
            r.server().ifPresentOrElse(cache::remove, cache::clear);
        }
    }

    private void tellTheHost(String server) {
        Instant now = clock.instant();
        Instant last = noticeSent.get(server);
        if (last != null && now.isBefore(last.plus(SIGN_IN_NOTICE_INTERVAL))) {
            return;
        }
        noticeSent.put(server, now);
        try {
            broker.signInNeeded(server);
        } catch (RuntimeException e) {
            LOG.debug("could not tell the broker a sign-in is needed: {}", e.getMessage());
        }
    }
}
