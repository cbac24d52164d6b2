package dev.xaa4j.desktop;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.host.broker.BrokerAlreadyRunningException;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.host.broker.SignInNeeded;
import dev.xaa4j.connector.host.config.SessionStorage;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the engine's tokens to bridges on the same per-user socket as {@code xaa agent} (docs/architecture.md "one session
 * owner per machine"): while the app runs, {@code xaa bridge} takes tokens from it, and a bridge that needs a
 * sign-in reaches {@code onSignInNeeded} (a tray notification) instead of opening a browser. Follows the engine:
 * when a server is added or removed the connector is rebuilt, and the broker with it.
 *
 * <p>When another broker already serves the socket (an {@code xaa agent}), this app leaves it alone and says so.
 */
public final class BrokerHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerHost.class);

    private final Path socket;
    private final Consumer<SignInNeeded> onSignInNeeded;
    private final Consumer<String> onStatus;
    private SessionStorage storage = SessionStorage.KEYRING;
    private BrokerServer server;

    /**
     * @param onStatus receives a sentence for people when serving starts, or why it cannot
     */
    public BrokerHost(Path socket, Consumer<SignInNeeded> onSignInNeeded, Consumer<String> onStatus) {
        this.socket = socket;
        this.onSignInNeeded = onSignInNeeded;
        this.onStatus = onStatus;
    }

    /** Hooks into the engine: every rebuilt connector is served; none (not configured) stops serving. */
    public static BrokerHost attach(Engine engine, Path socket, Consumer<SignInNeeded> onSignInNeeded, Consumer<String> onStatus) {
        BrokerHost host = new BrokerHost(socket, onSignInNeeded, onStatus);
        host.storage = engine.sessionStorage(); // told to bridges and `xaa status`; a memory session is only here
        engine.onConnectorChanged(host::serve);
        return host;
    }

    synchronized void serve(Optional<Connector> connector) {
        stop();
        if (connector.isEmpty()) {
            return;
        }
        try {
            server = BrokerServer.builder(connector.get()).socket(socket).onSignInNeeded(onSignInNeeded)
                    .sessionStorage(storage).start();
            LOG.info("serving tokens to local bridges on {}", socket);
            onStatus.accept("");
        } catch (BrokerAlreadyRunningException e) {
            onStatus.accept("Another xaa4j agent already serves your AI tools on this computer; this window shows "
                    + "its own sign-in only. Stop `xaa agent` to let this app serve them.");
        } catch (RuntimeException e) {
            LOG.warn("cannot serve the broker on {}: {}", socket, e.toString());
            onStatus.accept("Your AI tools cannot get tokens from this app (" + e.getMessage()
                    + "); they sign in on their own instead.");
        }
    }

    public synchronized boolean serving() {
        return server != null;
    }

    public Path socket() {
        return socket;
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
