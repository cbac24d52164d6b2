package dev.xaa4j.bridge.engine;

import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's tokens from the local broker (the tray app or {@code xaa agent}), which owns the IdP session.
 * A token is kept here until shortly before it expires, so the hot path makes no round trip; the broker renews
 * ahead of expiry on its side. When the broker has no session the bridge tells it ({@code signInNeeded}, at most
 * once a minute per server; the tray shows a notification) and reports "not signed in"; it never opens a
 * browser. Broker-level failures ({@link BrokerException}: it went away, it does not answer) are thrown as
 * they are, for {@link SharedSessionAuth} to fall back on the embedded engine.
 */
public final class BrokerAuth implements UpstreamAuth {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAuth.class);
    /** A cached token is used while it has more than this left. */
    static final Duration MARGIN = Duration.ofSeconds(30);
    static final Duration SIGN_IN_NOTICE_INTERVAL = Duration.ofMinutes(1);

    private final BrokerClient broker;
    private final Clock clock;
    private final Map<String, AccessToken> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> noticeSent = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public BrokerAuth(BrokerClient broker, Clock clock) {
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
    public Optional<String> authorization(String server) {
        AccessToken t = cache.get(server);
        if (t != null && clock.instant().plus(MARGIN).isBefore(t.expiresAt())) {
            return Optional.of(t.authorizationHeader());
        }
        try {
            t = broker.token(server);
            cache.put(server, t);
            return Optional.of(t.authorizationHeader());
        } catch (BrokerException e) {
            throw e;
        } catch (ConnectorException e) {
            cache.remove(server);
            if (e.kind() == ConnectorException.Kind.SIGN_IN_REQUIRED) {
                tellTheHost(server);
                return Optional.empty();
            }
            throw ConnectorAuth.bridgeException(e);
        }
    }

    @Override
    public void unauthorized(String server) {
        AccessToken rejected = cache.remove(server);
        if (rejected != null) {
            LOG.info("MCP server '{}' rejected the broker's token: asking for a new one", server);
            broker.invalidate(server, rejected.value());
        }
    }

    @Override
    public boolean stepUp(String server, String scope) {
        boolean changed = broker.requestScopes(server, Arrays.asList(scope.trim().split("\\s+")));
        if (changed) {
            cache.remove(server);
        }
        return changed;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void onEvent(ConnectorEvent e) {
        if (e instanceof ConnectorEvent.SignedIn) {
            cache.clear(); // possibly another user now
            noticeSent.clear();
            listeners.forEach(Runnable::run);
        } else if (e instanceof ConnectorEvent.SignedOut) {
            cache.clear();
            listeners.forEach(Runnable::run);
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
