package dev.xaa4j.connector.host.broker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.internal.DaemonThreads;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link Connector}'s tokens to local clients (bridges) over a Unix domain socket: the session
 * owner of docs/architecture.md "One session owner per machine". Hosted by {@code xaa agent} and by the tray app:
 *
 * <pre>{@code
 * BrokerServer broker = BrokerServer.builder(connector)
 *         .onSignInNeeded(n -> tray.notify("Sign in to use " + n.server()))
 *         .start();                                   // BrokerAlreadyRunningException if another one serves
 * ...
 * broker.close();                                     // bridges fall back to their embedded connector
 * }</pre>
 *
 * <p>Access: the socket lives in a 0700 directory owned by the user and is itself 0600 ({@link BrokerSocket};
 * the JDK cannot read peer credentials, so the file system is the gate). One broker per socket: a lock file
 * next to it is held while serving, a stale socket file left by a crashed broker is replaced.
 *
 * <h2>Concurrency contract</h2>
 * Thread-safe. The broker adds no cache and no lock of its own around tokens: it is a socket front for the
 * connector, whose token cache states the rules ({@link dev.xaa4j.connector.internal.token.TokenManager}).
 * <ul>
 *   <li><b>Threads.</b> One acceptor ({@code xaa4j-broker-accept}); one reader per connection
 *       ({@code xaa4j-broker-client-N}, daemon, at most {@code maxClients}, default 64: a further client gets a
 *       {@code busy} error and is closed); one event dispatcher ({@code xaa4j-broker-events}) that pushes events
 *       to subscribers and runs the host's {@link Builder#onSignInNeeded} handler, so neither a slow subscriber
 *       nor the host holds up a renewal.</li>
 *   <li><b>What blocks.</b> A connection's requests are read in order. {@code token} and {@code signIn} never
 *       block its reader: each is answered when the connector's future completes, written by the thread that
 *       completes it (a renewal thread of the connector, the sign-in's thread), so such an answer may overtake
 *       later ones. Every other request is answered on the reader thread before the next is read:
 *       {@code signOut} for up to twice the connector's HTTP timeout (the RFC 7009 revocation), {@code status}
 *       and {@code sessionChanged} for a credential-store read. The broker sets no deadline of its own: a
 *       renewal is bounded by the connector's HTTP timeouts and {@link BrokerClient} by its request timeout.
 *       Writes to one connection are serialized; a client that stops reading stalls only the thread writing
 *       to it (its reader, the dispatcher, or the renewal thread answering its {@code token}).</li>
 *   <li><b>Single flight.</b> {@code token} requests of every client for one server share the connector's one
 *       renewal in flight for that server; concurrent {@code signIn} requests share one browser sign-in.</li>
 *   <li><b>Races.</b> A {@code token} request naming scopes its cached token lacks first asks for them
 *       ({@code requestScopes}); a renewal started before that change does not answer it. A renewal in flight
 *       at a {@code signOut} (from any client) installs nothing and its waiting clients get
 *       {@code sign_in_required}; one that completes after a step-up or an {@code invalidate} is not handed to
 *       the requests that came after the change. {@link #close()} drops answers still in flight: their
 *       clients see the connection close and fall back.</li>
 * </ul>
 * The broker opens a browser only when a client asks it to sign in ({@code signIn}: {@code xaa login} while the
 * host keeps the session in memory), never for a token. Tokens cross the socket, and are never logged.
 */
public final class BrokerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

    private final Connector connector;
    private final Path socket;
    private final Consumer<SignInNeeded> signInNeeded;
    private final SessionStorage sessionStorage;
    private final ServerSocketChannel server;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ThreadPoolExecutor connections;
    private final ExecutorService events;
    private final Set<BrokerConnection> open = ConcurrentHashMap.newKeySet();
    private final ConnectorListener forward = this::forward;
    private final Instant startedAt;
    private final AgentLifetime lifetime;
    private final IdleWatch idleWatch; // null: runs until closed
    private volatile boolean closed;

    private BrokerServer(Builder b) throws IOException {
        this.connector = b.connector;
        this.socket = b.socket.toAbsolutePath();
        this.signInNeeded = b.signInNeeded;
        this.sessionStorage = b.sessionStorage;
        this.lifetime = b.lifetime;
        this.idleWatch = b.idleWatch;
        BrokerSocket.prepareDirectory(socket);
        Path lockFile = socket.resolveSibling(BrokerSocket.LOCK_NAME);
        this.lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new BrokerAlreadyRunningException("another broker (the xaa4j tray app or `xaa agent`) is already serving "
                    + socket + "; stop it first, or let bridges use it");
        }
        this.lock = l;
        try {
            Files.deleteIfExists(socket); // left by a broker that died: we hold the lock, so nobody serves it
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 64);
            BrokerSocket.restrictSocketFile(socket);
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        this.connections = new ThreadPoolExecutor(b.maxClients, b.maxClients, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("xaa4j-broker-client"));
        this.connections.allowCoreThreadTimeOut(true);
        this.events = Executors.newSingleThreadExecutor(r -> DaemonThreads.newThread(r, "xaa4j-broker-events"));
        this.startedAt = connector.clock().instant();
        connector.addListener(forward);
        if (idleWatch != null) {
            idleWatch.watch(open::size);
        }
        DaemonThreads.start(this::acceptLoop, "xaa4j-broker-accept");
        LOG.info("broker serving on {}", socket);
    }

    /** A broker for {@code connector} on the per-user socket ({@link BrokerSocket#defaultPath()}). */
    public static Builder builder(Connector connector) {
        return new Builder(connector);
    }

    public Path socket() {
        return socket;
    }

    /** Connections open right now. */
    public int clients() {
        return open.size();
    }

    /** Stops accepting, closes every connection (clients see the broker go away) and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connector.removeListener(forward);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(BrokerConnection::close);
        connections.shutdownNow();
        events.shutdown();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", socket, e.toString());
        }
        releaseLock();
        LOG.info("broker stopped");
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock dies with the channel or the process
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("broker accept failed: {}", e.toString());
                }
                return;
            }
            BrokerConnection c = new BrokerConnection(this, new LineChannel(ch));
            try {
                connections.execute(c);
            } catch (RejectedExecutionException full) {
                c.send(BrokerConnection.error(null, "busy", "too many clients are connected to the broker"));
                c.close();
            }
        }
    }

    private void forward(ConnectorEvent e) {
        ObjectNode event = BrokerProtocol.event(e);
        if (event == null || closed) {
            return;
        }
        String line = BrokerProtocol.message().set("event", event).toString();
        try {
            events.execute(() -> open.stream().filter(BrokerConnection::subscribed).forEach(c -> c.sendLine(line)));
        } catch (RejectedExecutionException stopping) {
            // closing: subscribers are about to see the broker go away anyway
        }
    }

    Connector connector() {
        return connector;
    }

    SessionStorage sessionStorage() {
        return sessionStorage;
    }

    boolean isClosed() {
        return closed;
    }

    void opened(BrokerConnection c) {
        open.add(c);
        touch();
    }

    void dropped(BrokerConnection c) {
        open.remove(c);
        touch();
    }

    /**
     * Op {@code standDown}: another session owner wants this socket. Only a host started on demand with an idle
     * watch agrees (it stops as if idle); one started by a person keeps serving.
     */
    boolean standDown() {
        // an agent already stopping (idle exit) is going anyway: yes, so the other owner waits for the socket to go
        return idleWatch != null && lifetime.onDemand() && (idleWatch.handOver() || idleWatch.fired());
    }

    /** A request arrived: the idle period (if any) starts again. */
    void touch() {
        if (idleWatch != null) {
            idleWatch.touch();
        }
    }

    /** Runs the host's sign-in-needed handler on the event thread (never on a connection's reader). */
    void notifyHost(SignInNeeded n) {
        events.execute(() -> runSignInNeeded(n));
    }

    private void runSignInNeeded(SignInNeeded n) {
        LOG.info("a client of the broker needs a sign-in (server {})", n.server());
        try {
            signInNeeded.accept(n);
        } catch (RuntimeException e) {
            LOG.warn("the host's sign-in-needed handler failed: {}", e.toString());
        }
    }

    ObjectNode status(ConnectorStatus s) {
        return BrokerProtocol.status(s, connector.metrics(), startedAt, open.size(), sessionStorage, lifetime);
    }

    /** Configures and starts a {@link BrokerServer}. */
    public static final class Builder {
        private final Connector connector;
        private Path socket = BrokerSocket.defaultPath();
        private int maxClients = 64;
        private Consumer<SignInNeeded> signInNeeded = n -> { };
        private SessionStorage sessionStorage = SessionStorage.KEYRING;
        private AgentLifetime lifetime = AgentLifetime.UNTIL_STOPPED;
        private IdleWatch idleWatch;

        private Builder(Connector connector) {
            this.connector = Objects.requireNonNull(connector);
        }

        /** The socket file (default {@link BrokerSocket#defaultPath()}); its directory is created 0700 if missing. */
        public Builder socket(Path socket) {
            this.socket = Objects.requireNonNull(socket);
            return this;
        }

        /** Connections served at once (default 64); one more gets a {@code busy} error. */
        public Builder maxClients(int maxClients) {
            if (maxClients < 1) {
                throw new IllegalArgumentException("maxClients must be at least 1");
            }
            this.maxClients = maxClients;
            return this;
        }

        /**
         * Called (on the broker's event thread; keep it short) when a client reports it needs a sign-in: the
         * tray app shows a notification. Clients repeat this at most once a minute per server.
         */
        public Builder onSignInNeeded(Consumer<SignInNeeded> handler) {
            this.signInNeeded = Objects.requireNonNull(handler);
            return this;
        }

        /**
         * Where the connector keeps its session (default {@link SessionStorage#KEYRING}); told to clients in
         * {@code hello} and {@code status}, so they can show it and know there is no session outside the broker.
         */
        public Builder sessionStorage(SessionStorage storage) {
            this.sessionStorage = Objects.requireNonNull(storage);
            return this;
        }

        /**
         * How the host lives (default {@link AgentLifetime#UNTIL_STOPPED}), told to clients in {@code status}; with
         * an idle exit, {@code watch} is told of every connection and request (the broker does not close itself:
         * the watch's {@code onIdle} stops the host).
         */
        public Builder lifetime(AgentLifetime lifetime, java.util.Optional<IdleWatch> watch) {
            this.lifetime = Objects.requireNonNull(lifetime);
            this.idleWatch = watch.orElse(null);
            return this;
        }

        /**
         * Binds the socket and starts serving.
         *
         * @throws BrokerAlreadyRunningException another broker serves this socket
         * @throws ConnectorException     (CONFIGURATION) the directory is unsafe (other users could reach it) or unusable
         */
        public BrokerServer start() {
            try {
                return new BrokerServer(this);
            } catch (IOException e) {
                throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "cannot serve the broker on " + socket + ": " + e.getMessage(), e);
            }
        }
    }
}
