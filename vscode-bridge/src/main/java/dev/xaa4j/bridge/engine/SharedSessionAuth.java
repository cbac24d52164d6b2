package dev.xaa4j.bridge.engine;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerException;
import dev.xaa4j.connector.host.broker.BrokerNotRunningException;
import dev.xaa4j.connector.host.broker.UnknownServerException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docs/architecture.md "One session owner per machine" for a bridge: tokens from the local broker (tray app or
 * {@code xaa agent}) while one runs, else from the embedded engine ({@link EngineAuth}: keyring + file lock).
 *
 * <p>The broker is looked for on first use (on the bridge's connect thread, never delaying {@code initialize}).
 * When it goes away — connection closed, or it fails to answer in time — the call in progress is answered by
 * the embedded engine at once and listeners are told (an offline bridge reconnects). While on the engine, the
 * broker is looked for again at most every {@link #PROBE_INTERVAL} (a missing socket costs one {@code stat}),
 * so a tray app started later takes over. Never hangs on the broker: its client bounds every wait.
 */
public final class SharedSessionAuth implements UpstreamAuth {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSessionAuth.class);
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

    private final Supplier<BrokerClient> connect;
    private final UpstreamAuth engine;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile BrokerAuth broker;
    private volatile long nextProbeNanos = System.nanoTime();

    /**
     * @param connect connects to the broker; throws {@link BrokerNotRunningException} when none runs
     * @param engine  the embedded engine, built lazily ({@link EngineAuth})
     */
    public SharedSessionAuth(Supplier<BrokerClient> connect, UpstreamAuth engine, Clock clock) {
        this.connect = connect;
        this.engine = engine;
        this.clock = clock;
    }

    /** The per-user broker, else {@code engine}. */
    public static SharedSessionAuth standard(UpstreamAuth engine) {
        return new SharedSessionAuth(BrokerClient::connect, engine, Clock.systemUTC());
    }

    /** Whether tokens come from the broker right now (for tests and {@code -v} logs). */
    public boolean usingBroker() {
        BrokerAuth b = broker;
        return b != null && b.isOpen();
    }

    @Override
    public Optional<String> authorization(String server) {
        BrokerAuth b = current();
        if (b != null) {
            try {
                return b.authorization(server);
            } catch (UnknownServerException e) {
                requireKeyringBroker(b, server, e);
                return engine.authorization(server); // configured after the broker started, or an ad-hoc URL
            } catch (BrokerException e) {
                lost(b, e);
            }
        }
        return engine.authorization(server);
    }

    @Override
    public void unauthorized(String server) {
        BrokerAuth b = current();
        if (b != null) {
            try {
                b.unauthorized(server);
                return;
            } catch (UnknownServerException e) {
                requireKeyringBroker(b, server, e); // else served by the engine: fall through
            } catch (BrokerException e) {
                lost(b, e);
            }
        }
        engine.unauthorized(server);
    }

    @Override
    public boolean stepUp(String server, String scope) {
        BrokerAuth b = current();
        if (b != null) {
            try {
                return b.stepUp(server, scope);
            } catch (UnknownServerException e) {
                requireKeyringBroker(b, server, e); // else served by the engine: fall through
            } catch (BrokerException e) {
                lost(b, e);
            }
        }
        return engine.stepUp(server, scope);
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
        engine.onChange(listener);
        BrokerAuth b = broker;
        if (b != null) {
            b.onChange(listener);
        }
    }

    /**
     * A broker that keeps the session only in its memory ({@code xaa agent --memory}) holds the only session
     * there is: a server it does not serve is a configuration error, never a reason to use the keyring.
     */
    private static void requireKeyringBroker(BrokerAuth b, String server, UnknownServerException e) {
        if (b.client().sessionStorage() == SessionStorage.MEMORY) {
            throw new BridgeException(BridgeException.Reason.CONFIGURATION, "the xaa agent (pid " + b.client().brokerPid()
                    + ") keeps the session in its memory and does not serve '" + server + "' (" + e.getMessage()
                    + "); add it with `xaa server add` (the agent follows the configuration)", e);
        }
    }

    private BrokerAuth current() {
        BrokerAuth b = broker;
        if (b != null && b.isOpen()) {
            return b;
        }
        if (System.nanoTime() - nextProbeNanos < 0) {
            return null;
        }
        // Callers arriving while a probe runs wait for its outcome (bounded by the connect timeout) rather than
        // racing ahead to the engine: the next probe time moves only once this one is done.
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
                BrokerAuth created;
                try {
                    created = new BrokerAuth(client, clock);
                } catch (RuntimeException e) {
                    client.close();
                    throw e;
                }
                listeners.forEach(created::onChange);
                client.onClose(() -> {
                    LOG.info("the xaa broker went away: using the embedded engine");
                    listeners.forEach(Runnable::run);
                });
                broker = created;
                LOG.info("using the xaa broker (pid {}) for tokens", client.brokerPid());
                return created;
            } catch (BrokerNotRunningException e) {
                LOG.debug("no broker: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("cannot use the xaa broker ({}): using the embedded engine", e.getMessage());
            } finally {
                nextProbeNanos = System.nanoTime() + PROBE_INTERVAL.toNanos();
            }
            broker = null;
            return null;
        }
    }

    private void lost(BrokerAuth b, BrokerException e) {
        LOG.info("the xaa broker failed ({}): using the embedded engine", e.getMessage());
        synchronized (this) {
            if (broker == b) {
                broker = null;
                nextProbeNanos = System.nanoTime() + PROBE_INTERVAL.toNanos();
            }
        }
        b.client().close();
    }
}
