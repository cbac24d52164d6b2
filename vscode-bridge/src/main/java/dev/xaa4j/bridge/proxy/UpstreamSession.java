package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of the bridge's session with the MCP server, over one {@link UpstreamChannel}:
 * <pre>
 *  AWAITING_INITIALIZE --client initialize ({@link #begin} + {@link #connect})--> CONNECTING
 *                 (the client's initialize is POSTed upstream under a bridge-owned id)
 *  CONNECTING --the server answers with a result--> CONNECTED (generation + 1; notifications/initialized
 *                 replayed if the client sent it; the channel's server-initiated stream is read)
 *  CONNECTING --failed / the server refused initialize--> OFFLINE(reason)
 *  OFFLINE --retry timer (1 s .. 30 s backoff; only for failures that can clear by themselves, see offline)
 *          | UpstreamAuth.onChange ({@link #reconnectIfOffline}) | a client request ({@link #awaitConnected})--> CONNECTING
 *  CONNECTED --the session is lost ({@link SessionLostException}: HTTP 404 with the Mcp-Session-Id, or the
 *                 HTTP+SSE stream ended)--> CONNECTING (the client's initialize and notifications/initialized
 *                 replayed, then the request once)
 *  any --{@link #close}--> CLOSED
 * </pre>
 * A {@link Listener} (the client side of initialize, {@link InitializeHandshake}) hears of each outcome under the
 * session's lock, so what the client is told and the state it describes never cross.
 *
 * <p>Thread-safety: all state is guarded by {@link #lock} (one monitor, shared with the listener); connection
 * attempts run on the given executor, at most one at a time, and callers wait on the attempt's future outside
 * the lock. Channel calls are made outside the lock, except {@code notifications/initialized}, which is sent
 * before any other message of a new session can be.
 */
final class UpstreamSession {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSession.class);
    /** The longest a request waits for a connection attempt that was under way when it came. */
    static final Duration ATTEMPT_WAIT = Duration.ofSeconds(30);
    /** The longest the upstream initialize may take (less when the request timeout is shorter). */
    static final Duration INITIALIZE_TIMEOUT = Duration.ofSeconds(30);
    private static final Runnable NOTHING = () -> { };

    enum State { AWAITING_INITIALIZE, CONNECTING, CONNECTED, OFFLINE, CLOSED }

    /** What the session tells the client side of initialize; called with {@link #lock} held. */
    interface Listener {
        /** Now CONNECTED with the server's InitializeResult; returns work to run once the lock is released. */
        Runnable connected(JsonNode result);

        /** The server answered initialize with a JSON-RPC error; returns work to run once the lock is released. */
        Runnable refused();
    }

    /** Guards the state below and the listener's. */
    final Object lock = new Object();
    private final BridgeSettings settings;
    private final UpstreamChannel channel;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final AtomicInteger bridgeIds = new AtomicInteger();
    private final java.util.function.Function<String, java.util.Set<String>> extensions;
    /** Null until {@link #listener(Listener)}: nobody to tell. */
    private volatile Listener listener;

    // Guarded by lock.
    private State state = State.AWAITING_INITIALIZE;
    private BridgeException offlineReason;
    private JsonNode clientInitialize;
    private boolean clientInitialized;
    private CompletableFuture<JsonNode> connecting;
    private int generation;
    private final Backoff backoff = new Backoff();
    private boolean retryPending;

    /** {@code workers}: runs connection attempts and the server-initiated stream (one thread each). */
    UpstreamSession(BridgeSettings settings, UpstreamChannel channel, Executor workers) {
        this(settings, channel, workers, server -> java.util.Set.of());
    }

    /** The same; {@code extensions}: the extensions to add to the client's initialize ({@link UpstreamAuth#extensions}). */
    UpstreamSession(BridgeSettings settings, UpstreamChannel channel, Executor workers,
                    java.util.function.Function<String, java.util.Set<String>> extensions) {
        this.extensions = extensions;
        this.settings = settings;
        this.channel = channel;
        this.workers = workers;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa-retry"));
    }

    /** Sets who hears of connections and refusals (before the first {@link #begin}). */
    void listener(Listener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Why the last attempt failed (null: none failed, or the session is connected). */
    BridgeException offlineReason() {
        synchronized (lock) {
            return offlineReason;
        }
    }

    /** The client's initialize request, replayed upstream on each (re)connection; null before {@link #begin}. */
    JsonNode clientInitialize() {
        synchronized (lock) {
            return clientInitialize;
        }
    }

    /** Records the client's initialize; false when it had already sent one (a session has one initialize). */
    boolean begin(JsonNode initialize) {
        synchronized (lock) {
            if (clientInitialize != null) {
                return false;
            }
            clientInitialize = initialize;
            return true;
        }
    }

    /**
     * Starts an upstream (re)initialize unless one is in flight, and returns it. Its future completes once the
     * state has moved on (CONNECTED or OFFLINE), never before.
     */
    CompletableFuture<JsonNode> connect() {
        synchronized (lock) {
            if (connecting != null && !connecting.isDone()) {
                return connecting;
            }
            state = State.CONNECTING;
            CompletableFuture<JsonNode> settled = CompletableFuture.supplyAsync(this::initializeUpstream, workers)
                    .whenComplete(this::settled);
            connecting = settled;
            return settled;
        }
    }

    /** POSTs the client's initialize under a bridge-owned id; returns the server's response. */
    private JsonNode initializeUpstream() {
        ObjectNode init = clientInitialize().deepCopy();
        init.put("id", "xaa-bridge-initialize-" + bridgeIds.incrementAndGet());
        ClientExtensions.declare(init, extensions.apply(settings.server())); // SEP-2133: the client's own ones kept
        Duration timeout = settings.requestTimeout().compareTo(INITIALIZE_TIMEOUT) < 0
                ? settings.requestTimeout() : INITIALIZE_TIMEOUT;
        try {
            return channel.initialize(init, timeout);
        } catch (NotThisTransportException e) {
            throw unavailable(e.getMessage()); // (a NegotiatedChannel never throws it)
        }
    }

    /** Completion of a connect attempt: CONNECTED or OFFLINE, with the follow-ups the state machine names. */
    private void settled(JsonNode response, Throwable failure) {
        Runnable after = NOTHING;
        synchronized (lock) {
            // This attempt is settled: a connect() from now on starts a new one. (The future in `connecting`
            // completes only after this callback returns, so a stream found lost at once by the listen started
            // below would otherwise be handed this very attempt and never re-initialize.)
            connecting = null;
            if (state == State.CLOSED) {
                return;
            }
            if (failure == null && response.has("result")) {
                state = State.CONNECTED;
                offlineReason = null;
                backoff.reset();
                int gen = ++generation;
                LOG.info("connected to MCP server '{}' ({}){}", settings.server(), settings.endpoint(),
                        channel.sessionId().isPresent() ? ", session established" : "");
                if (clientInitialized) {
                    sendQuietly(JsonRpc.notification("notifications/initialized"));
                }
                workers.execute(() -> listen(gen));
                after = listener == null ? NOTHING : listener.connected(response.get("result"));
            } else {
                offline(response, failure);
                if (failure == null && listener != null) {
                    after = listener.refused(); // the server refused this initialize outright
                }
            }
        }
        after.run();
    }

    /**
     * The failure half of {@link #settled}. Caller holds the lock. Only a failure that can clear by itself
     * ({@link BridgeException#retryable}: the server or the network) is retried on the backoff timer. The others
     * are logged once (again only when the reason changes) and wait for what can clear them: sign-in required —
     * the session watch ({@link UpstreamAuth#onChange}); a per-server sign-in — that watch (a broker pushes the new
     * token) and a quiet retry every {@link Backoff#MAX} ({@code xaa login SERVER} in another process without a
     * broker); not set up — the same quiet retry (the engine is rebuilt once {@code xaa idp} has run);
     * configuration, access denied, not enabled — the next request.
     */
    private void offline(JsonNode response, Throwable failure) {
        state = State.OFFLINE;
        BridgeException previous = offlineReason;
        offlineReason = failure != null ? BridgeException.of(failure) : new BridgeException(Reason.INTERNAL,
                "MCP server '" + settings.server() + "' refused initialize: "
                        + response.path("error").path("message").asText("no reason given"));
        if (!offlineReason.retryable()) {
            boolean news = previous == null || previous.reason() != offlineReason.reason()
                    || !Objects.equals(previous.getMessage(), offlineReason.getMessage());
            if (news) {
                LOG.warn("cannot connect to MCP server '{}': {}{}", settings.server(), offlineReason.getMessage(),
                        switch (offlineReason.reason()) {
                            case SIGN_IN_REQUIRED, SERVER_SIGN_IN_REQUIRED -> "; reconnecting once signed in";
                            case NOT_SET_UP -> "; reconnecting once xaa is set up";
                            default -> "; not retried until the next request";
                        });
            }
            if ((offlineReason.reason() == Reason.NOT_SET_UP || offlineReason.reason() == Reason.SERVER_SIGN_IN_REQUIRED)
                    && !retryPending) {
                retryPending = true;
                timer.schedule(this::retry, Backoff.MAX.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (retryPending) {
            return;
        }
        retryPending = true;
        Duration delay = backoff.next();
        LOG.info("offline: {}; retrying in {} s", offlineReason.getMessage(), delay.toSeconds());
        timer.schedule(this::retry, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void retry() {
        synchronized (lock) {
            retryPending = false;
            if (state == State.OFFLINE) {
                connect();
            }
        }
    }

    /** The sign-in state may have changed ({@link UpstreamAuth#onChange}): an offline session tries again now. */
    void reconnectIfOffline() {
        synchronized (lock) {
            if (state == State.OFFLINE) {
                connect();
            }
        }
    }

    /**
     * True once CONNECTED. A request that finds a connection attempt under way waits for its outcome (up to
     * {@link #ATTEMPT_WAIT}: the attempt's own timeouts end it sooner) — after a cached initialize answer the
     * client's first call usually arrives while the bridge is still connecting, and should run, not fail. An
     * offline session starts an attempt and waits up to {@code connectWait}.
     */
    boolean awaitConnected() {
        CompletableFuture<JsonNode> attempt;
        Duration wait;
        synchronized (lock) {
            switch (state) {
                case CONNECTED:
                    return true;
                case AWAITING_INITIALIZE:
                case CLOSED:
                    return false;
                case CONNECTING:
                    attempt = connect(); // the one in flight
                    wait = ATTEMPT_WAIT;
                    break;
                default:
                    attempt = connect();
                    wait = settings.connectWait();
            }
        }
        await(attempt, wait);
        synchronized (lock) {
            return state == State.CONNECTED;
        }
    }

    /**
     * Forwards a client request (the session is CONNECTED) and writes its answer to the client; after a lost
     * session, re-initializes and replays it once. Returns whether the server answered.
     */
    boolean forward(JsonNode request, Runnable onSent, Runnable onTaken) {
        int gen = generation();
        try {
            return channel.request(request, settings.requestTimeout(), onSent, onTaken);
        } catch (SessionLostException first) {
            LOG.info("MCP session on '{}' is gone ({}): starting a new one and replaying the request",
                    settings.server(), first.getMessage());
            recover(gen);
            try {
                return channel.request(request, settings.requestTimeout(), onSent, onTaken);
            } catch (SessionLostException again) {
                throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server '" + settings.server()
                        + "' dropped the new session at once (" + again.getMessage() + " twice)");
            }
        }
    }

    /**
     * Sends a client notification or response on, after a lost session on the new one; dropped (and logged)
     * while not CONNECTED: the server that would read it does not know this client yet.
     */
    void forwardMessage(JsonNode message) {
        String method = JsonRpc.method(message);
        int gen;
        synchronized (lock) {
            if ("notifications/initialized".equals(method)) {
                clientInitialized = true;
            }
            if (state != State.CONNECTED) {
                LOG.debug("offline: dropping {}", method.isEmpty() ? "a response" : method);
                return;
            }
            gen = generation;
        }
        try {
            try {
                channel.send(message);
            } catch (SessionLostException e) {
                recover(gen);
                channel.send(message);
            }
        } catch (BridgeException | SessionLostException e) {
            LOG.warn("could not forward {} to '{}': {}", JsonRpc.isResponse(message) ? "a response" : method,
                    settings.server(), e.getMessage());
        }
    }

    private void sendQuietly(JsonNode message) {
        try {
            channel.send(message);
        } catch (BridgeException | SessionLostException e) {
            LOG.warn("could not send {} to '{}': {}", JsonRpc.method(message), settings.server(), e.getMessage());
        }
    }

    /** Re-initializes after a lost session seen in generation {@code staleGeneration}, unless someone already did. */
    private void recover(int staleGeneration) {
        CompletableFuture<JsonNode> attempt;
        synchronized (lock) {
            if (state == State.CONNECTED && generation != staleGeneration) {
                return;
            }
            attempt = connect();
        }
        await(attempt, ATTEMPT_WAIT);
        synchronized (lock) {
            if (state != State.CONNECTED) {
                throw offlineReason != null ? offlineReason : unavailable("reconnection failed");
            }
        }
    }

    /** Relays the server-initiated stream of session {@code gen} until it ends; re-initializes if it was lost. */
    private void listen(int gen) {
        if (channel.listen(() -> current(gen))) {
            try {
                recover(gen);
            } catch (BridgeException failed) {
                LOG.warn("cannot restore the session: {}", failed.getMessage());
            }
        }
    }

    private boolean current(int gen) {
        synchronized (lock) {
            return generation == gen && state == State.CONNECTED;
        }
    }

    private int generation() {
        synchronized (lock) {
            return generation;
        }
    }

    /** CLOSED: no more attempts; the channel drops its streams and ends the session on the server. */
    void close() {
        synchronized (lock) {
            state = State.CLOSED;
        }
        channel.close();
        timer.shutdownNow();
    }

    private BridgeException unavailable(String what) {
        return new BridgeException(Reason.UPSTREAM_UNAVAILABLE,
                "MCP server '" + settings.server() + "' is unreachable (" + settings.endpoint() + "): " + what);
    }

    static void await(CompletableFuture<?> f, Duration max) {
        try {
            f.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the caller reads the state
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
