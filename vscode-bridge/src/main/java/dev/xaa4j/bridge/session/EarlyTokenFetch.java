package dev.xaa4j.bridge.session;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token chain of {@code xaa bridge SERVER}, started before the command line is parsed. On a first start
 * nothing is cached: the server's answer to {@code initialize} waits for the keyring, discovery, the token
 * exchange and the jwt-bearer grant. This thread reads the configuration, builds the bridge's
 * {@link UpstreamAuth} and asks it for SERVER's token while the main thread is still loading the command line
 * and the bridge, so the chain and the start-up overlap. The bridge then {@linkplain #take adopts} the
 * configuration and the auth (the token it fetched is cached there, or its fetch still in flight).
 *
 * <p>Nothing it does is visible: a configuration that cannot be read or does not know SERVER leaves nothing
 * to adopt, and the bridge reads the configuration itself and reports the problem; a failed token fetch is
 * logged at debug level and fetched again (and reported) by the bridge. Thread-safe.
 */
public final class EarlyTokenFetch {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyTokenFetch.class);

    /** The configuration the early thread read and the auth it built for {@code server}. */
    public record Prepared(String server, XaaConfig config, UpstreamAuth auth) {
    }

    private final String server;
    private final CompletableFuture<Optional<Prepared>> prepared = new CompletableFuture<>();

    private EarlyTokenFetch(String server) {
        this.server = server;
    }

    /**
     * Starts the thread.
     *
     * @param server the SERVER argument (a configured name or a URL)
     * @param config reads the user's configuration (may throw: nothing is prepared then)
     * @param auth   builds the auth for a configuration that resolves {@code server}
     */
    public static EarlyTokenFetch start(String server, Supplier<XaaConfig> config, Function<XaaConfig, UpstreamAuth> auth) {
        EarlyTokenFetch early = new EarlyTokenFetch(server);
        DaemonThreads.start(() -> early.run(config, auth), "xaa-early-token");
        return early;
    }

    /**
     * A keyring store that starts connecting to the OS keyring at once, on its own thread (the first connection
     * is the slowest step of a first start), unless a broker's socket exists: then the broker serves the tokens
     * and the keyring is left alone until the embedded connector needs it.
     */
    public static KeyringCredentialStore connectingKeyring(java.nio.file.Path brokerSocket) {
        KeyringCredentialStore keyring = new KeyringCredentialStore(dev.xaa4j.connector.Connector.KEYRING_SERVICE);
        if (!java.nio.file.Files.exists(brokerSocket)) {
            DaemonThreads.start(keyring::connect, "xaa-early-keyring");
        }
        return keyring;
    }

    /**
     * What was prepared for {@code server}: empty when the configuration could not be read, does not resolve
     * {@code server}, or was prepared for another SERVER. Waits for the configuration read, never for the token.
     */
    public Optional<Prepared> take(String server) {
        return prepared.join().filter(p -> p.server().equals(server));
    }

    private void run(Supplier<XaaConfig> config, Function<XaaConfig, UpstreamAuth> auth) {
        Prepared p;
        try {
            XaaConfig c = config.get();
            if (c.resolve(server).isEmpty()) {
                prepared.complete(Optional.empty());
                return;
            }
            p = new Prepared(server, c, auth.apply(c));
        } catch (RuntimeException | Error e) {
            prepared.complete(Optional.empty()); // the bridge reads the configuration again and says what is wrong
            return;
        }
        prepared.complete(Optional.of(p));
        try {
            p.auth().authorization(server);
        } catch (RuntimeException e) {
            LOG.debug("early token fetch: {}", e.getMessage()); // the bridge's own fetch reports it
        }
    }
}
