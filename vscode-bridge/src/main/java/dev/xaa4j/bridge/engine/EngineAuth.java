package dev.xaa4j.bridge.engine;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.Connector;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * {@link ConnectorAuth} created on first use, on the bridge's connect thread: building the engine reads the
 * OS keyring, which can take a while (or fail) and must never delay the answer to {@code initialize}. A
 * failure to build (no IdP configured yet, no keyring) is reported on every call and the build is tried
 * again at most every {@link #RETRY_BUILD}, so a bridge started before {@code xaa idp} and {@code xaa login}
 * works as soon as they have run, without a restart.
 */
public final class EngineAuth implements UpstreamAuth {

    private final Supplier<Connector> factory;
    private final boolean interactive;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectorAuth delegate;
    private volatile BridgeException broken;
    private long retryAtNanos; // guarded by this

    /** How long a failed build is answered from memory before it is tried again. */
    static final java.time.Duration RETRY_BUILD = java.time.Duration.ofSeconds(2);

    public EngineAuth(Supplier<Connector> factory, boolean interactive) {
        this.factory = factory;
        this.interactive = interactive;
    }

    private ConnectorAuth delegate() {
        ConnectorAuth d = delegate;
        if (d != null) {
            return d;
        }
        synchronized (this) {
            if (delegate == null) {
                if (broken != null && System.nanoTime() - retryAtNanos < 0) {
                    throw broken;
                }
                try {
                    ConnectorAuth created = new ConnectorAuth(factory.get(), interactive);
                    listeners.forEach(created::onChange);
                    delegate = created;
                    broken = null;
                } catch (BridgeException e) {
                    throw failed(e);
                } catch (dev.xaa4j.connector.ConnectorException e) {
                    throw failed(BridgeException.of(e)); // e.g. an unusable proxy variable: a configuration error
                } catch (RuntimeException e) {
                    throw failed(new BridgeException(Reason.INTERNAL, "cannot start the xaa engine: " + e.getMessage(), e));
                }
            }
            return delegate;
        }
    }

    private BridgeException failed(BridgeException e) {
        broken = e;
        retryAtNanos = System.nanoTime() + RETRY_BUILD.toNanos();
        return e;
    }

    @Override
    public Optional<String> authorization(String server) {
        return delegate().authorization(server);
    }

    @Override
    public void unauthorized(String server) {
        delegate().unauthorized(server);
    }

    @Override
    public boolean stepUp(String server, String scope) {
        return delegate().stepUp(server, scope);
    }

    @Override
    public void onChange(Runnable listener) {
        synchronized (this) {
            if (delegate == null) {
                listeners.add(listener);
                return;
            }
        }
        delegate.onChange(listener);
    }
}
