package dev.xaa4j.bridge.engine;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's tokens from the connector engine ({@link Connector#token}: cached, renewed ahead of expiry,
 * single flight). Maps the engine's typed failures onto the bridge's reasons. Opens a browser only when
 * built {@code interactive} and the engine says a sign-in is required, and then at most once at a time.
 */
public final class ConnectorAuth implements UpstreamAuth {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorAuth.class);

    private final Connector connector;
    private final boolean interactive;
    private final Map<String, String> lastToken = new ConcurrentHashMap<>();
    private final AtomicBoolean signingIn = new AtomicBoolean();

    public ConnectorAuth(Connector connector, boolean interactive) {
        this.connector = connector;
        this.interactive = interactive;
    }

    @Override
    public Optional<String> authorization(String server) {
        try {
            AccessToken token = connector.token(server);
            lastToken.put(server, token.value());
            return Optional.of(token.authorizationHeader());
        } catch (ConnectorException e) {
            if (e.kind() != ConnectorException.Kind.SIGN_IN_REQUIRED) {
                throw bridgeException(e);
            }
            if (interactive && signingIn.compareAndSet(false, true)) {
                LOG.info("not signed in: opening the browser to sign in (--interactive)");
                try {
                    connector.signIn().whenComplete((status, failure) -> {
                        signingIn.set(false);
                        if (failure != null) {
                            LOG.warn("sign-in did not complete: {}", failure.getMessage());
                        }
                    });
                } catch (RuntimeException failed) {
                    signingIn.set(false);
                    LOG.warn("cannot start the sign-in: {}", failed.getMessage());
                }
            }
            return Optional.empty();
        }
    }

    /** The engine's typed failures (other than sign-in required) as the bridge's reasons ({@link BridgeException#of}). */
    static BridgeException bridgeException(ConnectorException e) {
        return BridgeException.of(e);
    }

    @Override
    public void unauthorized(String server) {
        String rejected = lastToken.get(server);
        if (rejected != null) {
            connector.invalidate(server, rejected);
        }
    }

    @Override
    public boolean stepUp(String server, String scope) {
        return connector.requestScopes(server, Arrays.asList(scope.trim().split("\\s+")));
    }

    @Override
    public void onChange(Runnable listener) {
        connector.addListener(event -> {
            if (event instanceof ConnectorEvent.SignedIn || event instanceof ConnectorEvent.SignedOut) {
                listener.run();
            }
        });
    }
}
