package dev.xaa4j.connector.host.broker;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ConnectorMetrics;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.host.config.SessionStorage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to the local broker ({@link BrokerServer}): the session owner's tokens without a connector of
 * one's own. Thread-safe; requests are multiplexed on one connection and answered by id.
 *
 * <pre>{@code
 * try (BrokerClient broker = BrokerClient.connect()) {          // BrokerNotRunningException: use an embedded Connector
 *     AccessToken t = broker.token("notes");                     // same typed exceptions as Connector.token
 * }
 * }</pre>
 *
 * <p>Never hangs: connecting waits at most the connect timeout, every request at most the request timeout.
 * When the broker goes away every pending and later call throws {@link BrokerNotRunningException} and the
 * {@link #onClose} callbacks run, so callers can fall back. Token values are never logged.
 */
public final class BrokerClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Covers a renewal in the broker (token exchange + jwt-bearer, each bounded by the connector's HTTP timeout). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final LineChannel line;
    private final Path socket;
    private final Duration requestTimeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> closeHandlers = new CopyOnWriteArrayList<>();
    /** Listeners run here, not on the reader thread: one calling back into this client must not block reading. */
    private final java.util.concurrent.ExecutorService events = java.util.concurrent.Executors.newSingleThreadExecutor(r -> DaemonThreads.newThread(r, "xaa4j-broker-client-events"));
    private volatile boolean closed;
    private volatile long brokerPid;
    private volatile SessionStorage sessionStorage = SessionStorage.KEYRING;
    private volatile RuntimeException refusal;

    private BrokerClient(LineChannel line, Path socket, Duration requestTimeout) {
        this.line = line;
        this.socket = socket;
        this.requestTimeout = requestTimeout;
    }

    /** Connects to the per-user broker ({@link BrokerSocket#defaultPath()}). */
    public static BrokerClient connect() {
        return connect(BrokerSocket.defaultPath(), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * Connects and says hello.
     *
     * @throws BrokerNotRunningException no socket, or nobody listening on it (a broker that died)
     * @throws dev.xaa4j.connector.ConnectorException (CONFIGURATION) the socket's directory is unsafe (see {@link BrokerSocket})
     * @throws BrokerException something listens but does not answer like a broker within {@code timeout}
     */
    public static BrokerClient connect(Path socket, Duration timeout) {
        return connect(socket, timeout, DEFAULT_REQUEST_TIMEOUT);
    }

    public static BrokerClient connect(Path socket, Duration timeout, Duration requestTimeout) {
        Path dir = BrokerSocket.directoryOf(socket);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new BrokerNotRunningException("no broker is running (no " + dir + ")");
        }
        BrokerSocket.checkDirectory(socket);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new BrokerNotRunningException("no broker is running (no socket at " + socket + ")");
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new BrokerException("cannot open a Unix domain socket: " + e.getMessage(), e);
        }
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            closeQuietly(ch);
            throw new BrokerNotRunningException("no broker is running (stale socket " + socket + ")", e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new BrokerException("cannot connect to the broker at " + socket + ": " + e.getMessage(), e);
        }
        BrokerClient client = new BrokerClient(new LineChannel(ch), socket, requestTimeout);
        DaemonThreads.start(client::readLoop, "xaa4j-broker-client-reader");
        try {
            JsonNode hello = client.call(request("hello"), timeout);
            client.brokerPid = hello.path("pid").asLong();
            client.sessionStorage = BrokerProtocol.sessionStorage(hello);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Whether a broker answers on {@code socket} right now (never throws). */
    public static boolean isRunning(Path socket) {
        try (BrokerClient c = connect(socket, DEFAULT_CONNECT_TIMEOUT)) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Like {@link dev.xaa4j.connector.Connector#token}: the broker's cached token or its renewal's result. */
    public AccessToken token(String server) {
        return token(server, Set.of());
    }

    /** A token carrying at least {@code scopes} (the broker steps up first when its token lacks some). */
    public AccessToken token(String server, Collection<String> scopes) {
        ObjectNode req = request("token").put("server", server);
        if (!scopes.isEmpty()) {
            req.set("scopes", BrokerProtocol.array(scopes));
        }
        JsonNode t = call(req, requestTimeout);
        return malformedIsBrokerException("token", () -> new AccessToken(server, t.path("value").asText(),
                t.path("tokenType").asText(ProtocolNames.BEARER), Instant.parse(t.path("expiresAt").asText()),
                Set.copyOf(BrokerProtocol.strings(t.path("scopes")))));
    }

    /** The MCP server answered 401 to {@code rejectedValue}: the broker drops it if it is still its current token. */
    public boolean invalidate(String server, String rejectedValue) {
        return call(request("invalidate").put("server", server).put("rejectedValue", rejectedValue), requestTimeout)
                .path("invalidated").asBoolean();
    }

    /** A DPoP proof (RFC 9449 §4.2) made by the broker's host with its key, for a request with the bound {@code token}. */
    public String dpopProof(AccessToken token, String httpMethod, java.net.URI httpUri, Optional<String> nonce) {
        return BrokerProtocol.proof(call(BrokerProtocol.dpopProofRequest(token, httpMethod, httpUri, nonce), requestTimeout));
    }

    /** A 403 {@code insufficient_scope}: ask the broker to request these scopes too from now on. */
    public boolean requestScopes(String server, Collection<String> scopes) {
        ObjectNode req = request("requestScopes").put("server", server);
        req.set("scopes", BrokerProtocol.array(scopes));
        return call(req, requestTimeout).path("changed").asBoolean();
    }

    /** Tells the host a sign-in is needed for {@code server} (the tray shows a notification). */
    public void signInNeeded(String server) {
        call(request("signInNeeded").put("server", server), requestTimeout);
    }

    /**
     * Signs the broker's session out ({@code xaa logout} while a broker runs): every client sees it, and the
     * broker revokes the refresh token at the IdP (RFC 7009). Waits for the broker's own HTTP timeout on top of
     * the request timeout, since the revocation is a round trip to the IdP.
     */
    public SignOutResult signOut() {
        return BrokerProtocol.signOutResult(call(request("signOut"), requestTimeout.plus(SIGN_OUT_EXTRA)));
    }

    /** The broker's sign-out may include IdP discovery and the revocation request (10 s each by default). */
    static final Duration SIGN_OUT_EXTRA = Duration.ofSeconds(25);

    /**
     * Another process changed the stored session ({@code xaa login}): the broker re-reads it, drops its tokens
     * and pushes {@code signed_in} to subscribers, so waiting bridges reconnect.
     */
    public BrokerStatus sessionChanged() {
        return status(call(request("sessionChanged"), requestTimeout));
    }

    /**
     * Asks the broker's host to sign in ({@code xaa login} while a broker keeps the session in its memory): the
     * host opens the browser (its {@code BROWSER}, else the desktop's) and runs the loopback receiver; the
     * answer comes when the user has signed in.
     *
     * @param timeout how long to wait for the user (the host gives up on its own after its sign-in timeout)
     * @throws dev.xaa4j.connector.ConnectorException the sign-in failed (the host's message), as {@link BrokerException}
     *         when it is none of the typed failures
     */
    public BrokerStatus signIn(Duration timeout) {
        return status(call(request("signIn"), timeout));
    }

    /**
     * Asks the broker's host to run the per-server sign-in of {@code server} ({@code xaa login SERVER}, the tray's
     * "Sign in to SERVER"): the host opens its browser (authorization code + PKCE over its loopback receiver); the
     * answer comes once the server's token exists. Subscribers hear {@code token_issued} for it.
     *
     * @param timeout how long to wait for the person at the host's browser
     * @return the server's status afterwards (its {@link ServerStatus#flow()} included)
     * @throws dev.xaa4j.connector.ConnectorException the sign-in failed (its kind and message), or
     *         {@link BrokerException} (an older broker without {@code serverSignIn}, no answer in time)
     */
    public ServerStatus signIn(String server, Duration timeout) {
        JsonNode n = call(request("serverSignIn").put("server", server), timeout);
        return malformedIsBrokerException("serverSignIn", () -> BrokerProtocol.serverStatus(server, n));
    }

    /**
     * Ends {@code server}'s per-server grant at the broker (RFC 7009 revocation at its authorization server, then
     * the keyring entry); the IdP session stays. Waits as long as {@link #signOut()}.
     *
     * @return the server's status afterwards
     */
    public ServerStatus signOut(String server) {
        JsonNode n = call(request("serverSignOut").put("server", server), requestTimeout.plus(SIGN_OUT_EXTRA));
        return malformedIsBrokerException("serverSignOut", () -> BrokerProtocol.serverStatus(server, n));
    }

    /**
     * Asks the host to stop for another session owner: true when it agreed (an agent started on demand closes the
     * socket at once), false when it keeps serving (started by a person, or a version without the op).
     */
    public boolean standDown() {
        try {
            return call(request("standDown"), requestTimeout).path("stopping").asBoolean();
        } catch (BrokerException older) {
            return false;
        }
    }

    public BrokerStatus status() {
        return status(call(request("status"), requestTimeout));
    }

    private static BrokerStatus status(JsonNode n) {
        return malformedIsBrokerException("status", () -> BrokerProtocol.brokerStatus(n));
    }

    /**
     * Reads a result with {@code parse}; a result of the wrong shape (a missing or unparsable time, an unknown
     * state: another program on the socket, or a newer broker) is a {@link BrokerException} naming the
     * operation, never a {@code DateTimeParseException} or {@code IllegalArgumentException}.
     */
    private static <T> T malformedIsBrokerException(String op, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (RuntimeException malformed) {
            throw new BrokerException("the broker's answer to '" + op + "' is malformed ("
                    + malformed.getClass().getSimpleName() + "); restart the broker (xaa agent) with this version of xaa");
        }
    }

    /**
     * Receives the broker's session events from now on ({@code SignedIn}, {@code SignedOut},
     * {@code AccessRevoked}, {@code SignInRequired}), in order, on one event thread of this client (so a
     * listener may call this client again).
     */
    public void subscribe(ConnectorListener listener) {
        boolean first = listeners.isEmpty();
        listeners.add(listener);
        if (first) {
            call(request("subscribe"), requestTimeout);
        }
    }

    /** Stops delivering events to {@code listener}. */
    public void unsubscribe(ConnectorListener listener) {
        listeners.remove(listener);
    }

    /** Runs once when the connection ends (the broker stopped, or {@link #close()}). */
    public void onClose(Runnable handler) {
        closeHandlers.add(handler);
        if (closed) {
            handler.run();
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    public long brokerPid() {
        return brokerPid;
    }

    /** Where the broker keeps its session (from its {@code hello}; an older broker: the keyring). */
    public SessionStorage sessionStorage() {
        return sessionStorage;
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        shutdown(new BrokerNotRunningException("the broker connection was closed"));
    }

    private JsonNode call(ObjectNode req, Duration timeout) {
        if (closed) {
            RuntimeException why = refusal; // e.g. busy: the broker refused this connection before we asked
            throw why != null ? why : new BrokerNotRunningException("the broker went away");
        }
        long id = ids.incrementAndGet();
        req.put("id", id);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            line.writeLine(req.toString());
            JsonNode res = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode err = res.get("error");
            if (err != null) {
                throw BrokerProtocol.exception(err, req.path("server").asText(""));
            }
            return res.path("result");
        } catch (IOException e) {
            // The broker closed the connection; its reader may still hold the reason (a refusal such as busy).
            try {
                answer.get(1, TimeUnit.SECONDS);
            } catch (ExecutionException closed) {
                if (closed.getCause() instanceof ConnectorException c) {
                    throw rethrown(c);
                }
            } catch (TimeoutException | InterruptedException notYet) {
                // fall through: plainly gone
            }
            shutdown(new BrokerNotRunningException("the broker went away", e));
            throw new BrokerNotRunningException("the broker went away: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ConnectorException c ? rethrown(c) : new BrokerException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerException("the broker did not answer '" + req.path("op").asText() + "' within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted while waiting for the broker", e);
        } finally {
            pending.remove(id);
        }
    }

    /** A fresh exception on the caller's thread, so its stack shows the call site. */
    private static ConnectorException rethrown(ConnectorException c) {
        return c instanceof BrokerNotRunningException ? new BrokerNotRunningException(c.getMessage(), c) : c;
    }

    private void readLoop() {
        try {
            String l;
            while ((l = line.readLine()) != null) {
                JsonNode msg;
                try {
                    msg = BrokerProtocol.JSON.readTree(l);
                } catch (IOException e) {
                    LOG.debug("ignoring a malformed line from the broker");
                    continue;
                }
                JsonNode event = msg.get("event");
                if (event != null) {
                    dispatch(event);
                    continue;
                }
                CompletableFuture<JsonNode> f = pending.get(msg.path("id").asLong(-1));
                if (f != null) {
                    f.complete(msg);
                } else if (msg.has("error")) {
                    // Not an answer: the broker refuses the connection itself (busy) and is about to close it.
                    JsonNode err = msg.path("error");
                    refusal = BrokerProtocol.exception(err, "");
                }
            }
            shutdown(new BrokerNotRunningException("the broker went away"));
        } catch (IOException e) {
            shutdown(new BrokerNotRunningException("the broker connection broke: " + e.getMessage(), e));
        }
    }

    private void dispatch(JsonNode event) {
        Optional<dev.xaa4j.connector.ConnectorEvent> e;
        try {
            e = BrokerProtocol.event(event);
        } catch (RuntimeException malformed) {
            return;
        }
        e.ifPresent(ev -> events.execute(() -> listeners.forEach(l -> {
            try {
                l.onEvent(ev);
            } catch (RuntimeException failed) {
                LOG.warn("broker event listener failed on {}: {}", ev.type(), failed.toString());
            }
        })));
    }

    private void shutdown(BrokerNotRunningException reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        line.close();
        events.shutdown();
        RuntimeException failure = refusal != null ? refusal : reason;
        pending.values().forEach(f -> f.completeExceptionally(failure));
        closeHandlers.forEach(h -> {
            try {
                h.run();
            } catch (RuntimeException e) {
                LOG.warn("broker close handler failed: {}", e.toString());
            }
        });
    }

    private static ObjectNode request(String op) {
        return BrokerProtocol.message().put("op", op);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
