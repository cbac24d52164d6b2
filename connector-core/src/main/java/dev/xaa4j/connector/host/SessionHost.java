package dev.xaa4j.connector.host;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.host.broker.AgentLauncher;
import dev.xaa4j.connector.host.broker.AgentLifetime;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.host.broker.IdleWatch;
import dev.xaa4j.connector.host.broker.SignInNeeded;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.ConnectorFactory;
import dev.xaa4j.connector.host.config.EffectiveConfig;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session owner of docs/architecture.md "One session owner per machine", hosted by {@code xaa agent} and by the
 * tray app: the {@link Connector} of the per-user configuration ({@link ConnectorFactory}) and, optionally, the
 * {@link BrokerServer} that serves it to bridges.
 *
 * <p>It follows the configuration ({@link #reload()}, or {@link #follow} polling the file and the policy): a server added,
 * changed or removed is applied to the running connector ({@link Connector#addServer}, {@link Connector#removeServer}),
 * so the other servers' cached tokens are kept and bridges stay connected to the broker; only another IdP (issuer,
 * client id, auth method) builds a new connector, and the broker is restarted on it (bridges fall back to their
 * embedded connector for a moment and come back). A configuration that cannot be read or used leaves the running
 * one in place.
 *
 * <p>Thread-safe: changes are serialized on this object; every method may block on I/O (config file, socket).
 */
public final class SessionHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionHost.class);

    /**
     * What the broker of this host is: its socket, where the session lives (told to clients), the host's notice,
     * and how the host lives ({@link AgentLifetime}; with an idle exit, the {@link IdleWatch} every broker of this
     * host reports to, so the period spans a rebuild).
     */
    public record Broker(Path socket, SessionStorage storage, Consumer<SignInNeeded> onSignInNeeded,
                         AgentLifetime lifetime, Optional<IdleWatch> idleWatch) {
        public Broker {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(onSignInNeeded, "onSignInNeeded");
            Objects.requireNonNull(lifetime, "lifetime");
            Objects.requireNonNull(idleWatch, "idleWatch");
        }

        /** A broker of a host started by hand that runs until stopped. */
        public Broker(Path socket, SessionStorage storage, Consumer<SignInNeeded> onSignInNeeded) {
            this(socket, storage, onSignInNeeded, AgentLifetime.UNTIL_STOPPED, Optional.empty());
        }
    }

    /**
     * What a {@link #reload()} did.
     *
     * @param config    the configuration now applied
     * @param connector the connector serving it; empty while nothing is configured
     * @param rebuilt   whether a new connector was built (another IdP, or the first one)
     * @param added     the servers added or changed, in configuration order
     * @param removed   the servers removed or changed
     * @param managed   the servers of {@code config} that the organization's policy provides (docs/admin.md),
     *                  whatever changed; empty for {@link #apply(XaaConfig)}
     */
    public record Applied(XaaConfig config, Optional<Connector> connector, boolean rebuilt, List<String> added,
                          List<String> removed, Set<String> managed) {

        public Applied {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            managed = Set.copyOf(managed);
        }

        /** An {@code Applied} that names no policy servers. */
        public Applied(XaaConfig config, Optional<Connector> connector, boolean rebuilt, List<String> added,
                       List<String> removed) {
            this(config, connector, rebuilt, added, removed, Set.of());
        }

        /** The servers of {@link #added()} the policy provides: the tray's "managed server added" notice. */
        public List<String> managedAdded() {
            return added.stream().filter(managed::contains).toList();
        }
    }

    private final ConfigStore store;
    private final UnaryOperator<Connector.Builder> settings;
    private Optional<Broker> brokerOptions = Optional.empty(); // guarded by this
    private final boolean warm;
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Applied>> appliedHooks = new CopyOnWriteArrayList<>();
    private final List<Consumer<Optional<RuntimeException>>> brokerHooks = new CopyOnWriteArrayList<>();
    private final ConnectorListener forward = e -> listeners.forEach(l -> l.onEvent(e));
    private volatile XaaConfig config; // read without the lock: client secrets are looked up during renewals
    private Connector connector;
    private BrokerServer broker;
    private RuntimeException brokerProblem;
    private Thread follower;
    /** The file's modification time and size when it was last read by {@link #reload()}. */
    private volatile String loadedFingerprint = "";
    private volatile boolean closed;

    /**
     * A host that serves no broker until {@link #serve(Broker)} and builds no connector until {@link #reload()}.
     *
     * @param store    the per-user configuration file
     * @param settings the host's connector settings (session store, client secrets, browser, timing)
     * @param warm     ask every new server for a token at once, so the first bridge is answered from the cache
     */
    public SessionHost(ConfigStore store, UnaryOperator<Connector.Builder> settings, boolean warm) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.warm = warm;
    }

    /** Events of whichever connector is current (forwarded on the connector's threads). */
    public void addListener(ConnectorListener listener) {
        listeners.add(listener);
    }

    /** Called after every {@link #reload()} that changed something, on the reloading thread. */
    public void onApplied(Consumer<Applied> hook) {
        appliedHooks.add(hook);
    }

    /** Called after every start of the broker: empty when it serves, else why it cannot. */
    public void onBroker(Consumer<Optional<RuntimeException>> hook) {
        brokerHooks.add(hook);
    }

    /**
     * Reads the configuration file and applies it (see the class comment). Returns the current connector; empty
     * while neither an IdP nor a server is configured.
     *
     * @throws RuntimeException the file cannot be read or parsed, the organization's policy is malformed, or the
     *                          IdP cannot be used ({@link dev.xaa4j.connector.ConfigurationException}); the running
     *                          connector stays
     */
    public synchronized Optional<Connector> reload() {
        loadedFingerprint = fingerprint(); // before reading: a write in between is seen by the next poll
        EffectiveConfig effective = store.loadEffective();
        return apply(effective.config(), Set.copyOf(effective.policyServers())).connector();
    }

    /** Applies {@code next} as {@link #reload()} does; the {@link Applied} says what changed (and names no policy servers). */
    public synchronized Applied apply(XaaConfig next) {
        return apply(next, Set.of());
    }

    private Applied apply(XaaConfig next, Set<String> managed) {
        if (closed) {
            throw new IllegalStateException("the session host is closed");
        }
        XaaConfig before = config;
        if (before != null && connector == null && !ConnectorFactory.servable(next)) {
            config = next; // still neither an IdP nor a server: nothing to serve
            return new Applied(next, Optional.empty(), false, List.of(), List.of(), managed);
        }
        if (before != null && connector != null && sameIdp(before, next)) {
            Applied applied = diff(before, next, managed);
            config = next;
            if (!applied.added().isEmpty() || !applied.removed().isEmpty()) {
                appliedHooks.forEach(h -> h.accept(applied));
            }
            return applied;
        }
        Optional<Connector> built = ConnectorFactory.build(next, Optional.empty(), settings); // throws: old one stays
        stopBroker();
        if (connector != null) {
            connector.close();
        }
        connector = built.orElse(null);
        config = next;
        built.ifPresent(c -> {
            c.addListener(forward);
            serve(c);
            if (brokerProblem == null) { // a host that cannot serve (another one does) fetches nothing
                warm(c, List.copyOf(c.servers().keySet()));
            }
        });
        Applied applied = new Applied(next, built, true, built.map(c -> List.copyOf(c.servers().keySet())).orElse(List.of()),
                List.of(), managed);
        appliedHooks.forEach(h -> h.accept(applied));
        return applied;
    }

    private Applied diff(XaaConfig before, XaaConfig next, Set<String> managed) {
        Map<String, ServerConfig> was = ConnectorFactory.servers(before);
        Map<String, ServerConfig> now = ConnectorFactory.servers(next);
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        was.forEach((name, server) -> {
            if (!server.equals(now.get(name)) && connector.removeServer(name)) {
                removed.add(name);
            }
        });
        now.forEach((name, server) -> {
            if (!server.equals(was.get(name))) {
                connector.addServer(server);
                added.add(name);
            }
        });
        if (!added.isEmpty() || !removed.isEmpty()) {
            LOG.info("configuration changed: added {}, removed {}; other servers keep their tokens", added, removed);
        }
        warm(connector, added);
        return new Applied(next, Optional.of(connector), false, added, removed, managed);
    }

    private static boolean sameIdp(XaaConfig a, XaaConfig b) {
        return ConnectorFactory.idp(a).equals(ConnectorFactory.idp(b));
    }

    private void warm(Connector c, List<String> servers) {
        if (warm) {
            servers.forEach(name -> c.tokenAsync(name).exceptionally(e -> null)); // failures show up in the status
        }
    }

    /**
     * Serves the connector to bridges from now on (the tray's broker is attached after the app is built): at once
     * when a connector runs, else once one is built. Another broker serving the socket is reported through
     * {@link #onBroker}.
     */
    public synchronized void serve(Broker broker) {
        stopServing();
        brokerOptions = Optional.of(broker);
        if (connector != null) {
            serve(connector);
        }
    }

    /** Stops serving (bridges fall back to their embedded connector); the connector keeps running. */
    public synchronized void stopServing() {
        brokerOptions = Optional.empty();
        stopBroker();
    }

    private void serve(Connector c) {
        if (brokerOptions.isEmpty()) {
            return;
        }
        Broker b = brokerOptions.get();
        try {
            broker = BrokerServer.builder(c).socket(b.socket()).sessionStorage(b.storage())
                    .onSignInNeeded(b.onSignInNeeded()).lifetime(b.lifetime(), b.idleWatch()).start();
            brokerProblem = null;
            LOG.info("serving tokens to local bridges on {}", b.socket());
        } catch (RuntimeException e) {
            brokerProblem = e;
            LOG.debug("cannot serve the broker on {}: {}", b.socket(), e.toString());
        }
        Optional<RuntimeException> problem = Optional.ofNullable(brokerProblem);
        brokerHooks.forEach(h -> h.accept(problem));
    }

    private void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The connector serving now; empty while no IdP is configured (or before the first {@link #reload()}). */
    public synchronized Optional<Connector> connector() {
        return Optional.ofNullable(connector);
    }

    /**
     * The configuration applied last; when nothing was applied yet, read from the files (with a malformed policy,
     * the user's own configuration, as {@link ConfigStore#effective()} gives it).
     */
    public XaaConfig config() {
        XaaConfig c = config;
        return c != null ? c : store.effective().config(); // a malformed policy: the user's own, for the window to show
    }

    public Path configFile() {
        return store.file();
    }

    public ConfigStore store() {
        return store;
    }

    /**
     * When the broker could not start because another one serves the socket, takes the socket over if that one is
     * an agent started on demand ({@link AgentLauncher#takeOver}: it stands down, this host serves); for the tray
     * app, started by a person. Blocks up to {@link AgentLauncher#START_WAIT}; call it off the UI thread.
     *
     * @return whether this host serves now
     */
    public boolean takeOver() {
        Path socket;
        synchronized (this) {
            if (broker != null || brokerOptions.isEmpty() || connector == null
                    || !(brokerProblem instanceof dev.xaa4j.connector.host.broker.BrokerAlreadyRunningException)) {
                return broker != null;
            }
            socket = brokerOptions.get().socket();
        }
        return AgentLauncher.takeOver(socket, AgentLauncher.START_WAIT, this::serveAgain);
    }

    /**
     * Tries once more to serve the socket of the last {@link #serve(Broker)}, when another broker held it then (for
     * an agent whose broker lock was held by one that is closing). Returns at once.
     *
     * @return whether this host serves now
     */
    public synchronized boolean serveAgain() {
        if (broker == null && connector != null && brokerOptions.isPresent() && !closed) {
            serve(connector);
        }
        return broker != null;
    }

    /** Whether the broker serves right now. */
    public synchronized boolean serving() {
        return broker != null;
    }

    /** Why the broker could not start at the last attempt (another one runs, an unsafe directory), if so. */
    public synchronized Optional<RuntimeException> brokerProblem() {
        return Optional.ofNullable(brokerProblem);
    }

    /**
     * Follows the configuration from now on: every {@code poll} the modification time and size of the user's file and
     * the policy's {@link dev.xaa4j.connector.host.config.PolicyStore#fingerprint() fingerprint} are compared with
     * those of the last {@link #reload()} and on a change it is {@linkplain #reload() applied} (thread
     * {@code xaa-session-host-config}): a server the organization's policy adds is served without a restart, one it
     * removes stops being served. A change that cannot be applied (a malformed policy too) goes to {@code problem},
     * and the running configuration stays.
     */
    public synchronized void follow(Duration poll, Consumer<RuntimeException> problem) {
        if (follower != null) {
            return;
        }
        follower = DaemonThreads.start(() -> followLoop(poll, problem), "xaa-session-host-config");
    }

    private void followLoop(Duration poll, Consumer<RuntimeException> problem) {
        while (!closed) {
            try {
                Thread.sleep(poll.toMillis()); // the poll period itself, not a wait for something to happen
            } catch (InterruptedException e) {
                return;
            }
            if (fingerprint().equals(loadedFingerprint)) {
                continue;
            }
            try {
                synchronized (this) {
                    if (!closed) {
                        reload();
                    }
                }
            } catch (RuntimeException e) {
                problem.accept(e);
            }
        }
    }

    /** Modification time and size of the config file ("" when it is missing), and the policy's fingerprint. */
    private String fingerprint() {
        String user;
        try {
            user = Files.getLastModifiedTime(store.file()).toMillis() + ":" + Files.size(store.file());
        } catch (IOException e) {
            user = "";
        }
        return user + "|" + store.policy().fingerprint();
    }

    /** Stops following, stops the broker (bridges fall back) and closes the connector. Idempotent. */
    @Override
    public void close() {
        Thread f;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            f = follower;
            stopBroker();
            if (connector != null) {
                connector.close();
                connector = null;
            }
        }
        if (f != null) {
            f.interrupt();
        }
    }
}
