package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code xaa bridge SERVER}: a transparent JSON-RPC proxy between an AI client on stdio (newline-delimited
 * JSON-RPC, MCP "Transports" §stdio) and one MCP server's Streamable HTTP endpoint. Messages pass through
 * unchanged in both directions (requests, responses, notifications, server-to-client requests such as
 * sampling, elicitation and roots, progress, cancellation); the bridge only adds the HTTP concerns
 * ({@link StreamableHttpUpstream}) and answers locally while the upstream is not usable.
 *
 * <h2>State machine of the upstream session</h2>
 * <pre>
 *  AWAITING_INITIALIZE --client initialize--> CONNECTING (upstream initialize, bridge-owned id)
 *                 the server's answer from last time is in the {@link InitializeCache} --> the client gets it
 *                 at once; the upstream's real answer replaces the entry, and when it differs the client is
 *                 sent list_changed for the tools, prompts and resources the server offers
 *  CONNECTING --ok within the initialize budget--> CONNECTED   (the upstream's answer is relayed)
 *  CONNECTING --budget spent / no token / down--> client gets a LOCAL answer (tools, listChanged: true);
 *                 the attempt goes on: ok --> CONNECTED + notifications/tools/list_changed
 *                                      failed --> OFFLINE(reason)
 *  OFFLINE --retry timer (1 s .. 30 s backoff; only for failures that can clear by themselves, see offline)
 *          | UpstreamAuth.onChange | a client request--> CONNECTING
 *  CONNECTED --HTTP 404 on a request carrying the session id--> CONNECTING (replay the client's initialize
 *                 and notifications/initialized, then replay the request once)
 *  any --stdin EOF--> drain in-flight requests (bounded), DELETE the session, CLOSED (exit 0)
 * </pre>
 * While not CONNECTED a request waits for a connection attempt already under way (bounded by its own timeouts),
 * or starts one and waits at most {@code connectWait}, then is
 * answered locally: {@code ping} → {}, {@code tools/list} (and the other list methods) → empty list, anything
 * else → a JSON-RPC error naming the reason ({@link BridgeException.Reason}) with an actionable message. When the
 * reason is a set-up problem ({@code configuration}, {@code not_set_up}) the list methods get that error too, and
 * a local initialize answer says so instead of promising tools.
 * Notifications and responses from the client are dropped while offline (the server that would read them
 * does not know this client yet). A 401/403 on one request fails only that request; the session stays.
 *
 * <p>Servers that reject the initialize POST with 404/405 are tried with the HTTP+SSE transport of MCP
 * 2024-11-05 ({@link LegacySseChannel}); the state machine is the same, with "the SSE stream ended" in the
 * role of the 404.
 *
 * <h2>What reaches the server</h2>
 * Only valid JSON-RPC 2.0 (see {@code JsonRpc.invalid}; the rest is answered {@code -32600} or {@code -32700}
 * on the spot), within {@code MessageLimit} (both directions), in stdin order (see {@code route}). The GET
 * stream a server refuses is given up, never turned into a re-initialize loop (see {@code readEventStream}).
 *
 * <h2>Threads</h2>
 * The stdin reader parses lines and answers {@code initialize} itself (so it is never queued behind other
 * work); everything else goes to one ordered dispatcher, which POSTs notifications and responses in order and
 * hands each request to a pool thread (a tool call that waits for the client's sampling answer must not block
 * that answer) once the previous request is on the wire. One thread reads the GET stream per session. stdout
 * has one synchronized writer.
 */
public final class StdioBridge {

    private static final Logger LOG = LoggerFactory.getLogger(StdioBridge.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The longest a notification or response waits for the server to take the requests before it (see route). */
    static final Duration TAKEN_WAIT = Duration.ofMillis(100);
    /** How many 4xx answers (other than 404 and 405) to the GET stream end the retries. */
    static final int GET_REFUSALS = 5;
    /** The longest a request waits for a connection attempt that was under way when it came. */
    static final Duration ATTEMPT_WAIT = Duration.ofSeconds(30);

    enum State { AWAITING_INITIALIZE, CONNECTING, CONNECTED, OFFLINE, CLOSED }

    private final BridgeSettings settings;
    private final ObjectMapper mapper;
    private final StreamableHttpUpstream upstream;
    private final ResponseRelay relay;
    private final JsonRpcWriter out;
    private final String version;

    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(daemon("xaa-dispatch"));
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("xaa-request"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("xaa-retry"));
    private final UpstreamAuth auth;
    private final InitializeCache initializeCache;
    private final Phaser inFlight = new Phaser(1);
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger bridgeIds = new AtomicInteger();
    /** A 404 on a GET stream that never opened re-initializes once per bridge, never more (see readEventStream). */
    private final AtomicBoolean getReinitializeLeft = new AtomicBoolean(true);
    /** Messages given to the dispatcher and not yet routed (written by the stdin reader and the dispatcher). */
    private final AtomicInteger queued = new AtomicInteger();
    /** Requests written but not yet taken by the server (their answer has not started). */
    private final Set<CompletableFuture<Void>> untaken = ConcurrentHashMap.newKeySet();
    /** The stdin reader (set by run). */
    private StdinMessages messages;

    private final Object lock = new Object();
    // Guarded by lock.
    private State state = State.AWAITING_INITIALIZE;
    private BridgeException offlineReason;
    private JsonNode clientInitialize;
    private boolean clientInitialized;
    private boolean clientSawLocalAnswer;
    /** The cached InitializeResult the client was given, until the upstream's own answer is compared with it. */
    private JsonNode answeredFromCache;
    /** What the cache holds for this client's initialize (null: nothing), so unchanged answers are not rewritten. */
    private JsonNode cachedAnswer;
    private CompletableFuture<JsonNode> connecting;
    private int generation;
    private final Backoff backoff = new Backoff();
    private boolean retryPending;
    private volatile UpstreamResponse eventStream;
    /** Non-null once the server turned out to speak only the HTTP+SSE transport (2024-11-05). */
    private volatile LegacySseChannel legacy;

    public StdioBridge(BridgeSettings settings, UpstreamAuth auth, OutputStream stdout, String version) {
        this(settings, auth, InitializeCache.disabled(), stdout, version);
    }

    public StdioBridge(BridgeSettings settings, UpstreamAuth auth, InitializeCache initializeCache, OutputStream stdout,
                       String version) {
        this.settings = settings;
        this.initializeCache = initializeCache;
        this.version = version;
        this.mapper = MessageLimit.mapper();
        this.upstream = new StreamableHttpUpstream(settings.server(), settings.endpoint(), auth,
                settings.connectTimeout(), mapper);
        this.relay = new ResponseRelay(mapper, upstream);
        this.out = new JsonRpcWriter(stdout, mapper);
        this.auth = auth;
        auth.onChange(this::reconnectIfOffline);
    }

    /** Runs until stdin ends; returns the process exit code (0: the client closed stdin). */
    public int run(InputStream stdin) {
        return run(stdin, null);
    }

    /**
     * Runs until stdin ends, first adopting what {@code early} did with the first stdin line (it must have
     * been started on the same stdin and stdout).
     */
    public int run(InputStream stdin, EarlyInitialize early) {
        StdinMessages messages = new StdinMessages(stdin, mapper, out);
        this.messages = messages;
        // Fetch the first token while the client is still starting up: it is most of the time to the upstream
        // answer to initialize (keyring, token exchange, jwt-bearer), and the engine caches it.
        workers.execute(() -> {
            try {
                auth.authorization(settings.server());
            } catch (RuntimeException e) {
                LOG.debug("token prefetch: {}", e.getMessage());
            }
        });
        if (early != null) {
            EarlyInitialize.Outcome first = early.await();
            if (first.firstLine() == null) {
                shutdown();
                return 0;
            }
            if (first.answered()) {
                initialize(first.request(), first.answer(), first.endpoint());
            } else {
                accept(first.firstLine());
            }
        }
        try {
            LineReader.Line line;
            while ((line = messages.next()) != null) {
                accept(line);
            }
        } catch (IOException e) {
            LOG.warn("stdin failed: {}", e.toString());
        }
        shutdown();
        return 0;
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    private void accept(LineReader.Line line) {
        for (JsonNode m : messages.messages(line)) {
            if (JsonRpc.isRequest(m) && "initialize".equals(JsonRpc.method(m))) {
                initialize(m, null, null);
            } else if (JsonRpc.isRequest(m) && queued.get() == 0) {
                route(m); // nothing is ahead of it in the dispatcher: straight to a worker, one thread hop less
            } else {
                queued.incrementAndGet();
                dispatcher.execute(() -> {
                    try {
                        route(m);
                    } finally {
                        queued.decrementAndGet();
                    }
                });
            }
        }
    }

    // ---- initialize -----------------------------------------------------------------------------------

    /**
     * The client's initialize. {@code earlyAnswer}: what {@link EarlyInitialize} already told the client from the
     * cache entry of {@code earlyEndpoint} (null: nothing was answered yet).
     */
    private void initialize(JsonNode request, JsonNode earlyAnswer, URI earlyEndpoint) {
        CompletableFuture<JsonNode> attempt;
        String requested = requestedVersion(request);
        JsonNode cached = earlyAnswer != null ? earlyAnswer
                : initializeCache.lookup(settings.endpoint(), requested).orElse(null);
        synchronized (lock) {
            if (clientInitialize != null) {
                out.write(JsonRpc.error(request.get("id"), JsonRpc.INVALID_REQUEST,
                        "initialize was already sent; start a new bridge for a new session", null));
                return;
            }
            clientInitialize = request;
            // an early answer for another endpoint (the config changed in between) is compared, never kept
            cachedAnswer = earlyAnswer == null || settings.endpoint().equals(earlyEndpoint) ? cached : null;
            if (cached != null) {
                // the server's answer from last time, now; the real one follows from the upstream and is compared
                answeredFromCache = cached;
                if (earlyAnswer == null) {
                    out.write(JsonRpc.result(request.get("id"), cached));
                }
                connect();
                LOG.debug("answered initialize from the cache; connecting to '{}' in the background", settings.server());
                return;
            }
            attempt = connect();
        }
        JsonNode answer = null;
        try {
            answer = attempt.get(settings.initializeBudget().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // answered locally below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (answer == null && attempt.isDone() && !attempt.isCompletedExceptionally()) {
                answer = attempt.join(); // finished between the timeout and the lock
            }
            if (answer != null) {
                out.write(JsonRpc.withId(answer, request.get("id")));
            } else {
                LOG.info("answering initialize locally: {}", state == State.CONNECTING
                        ? "MCP server '" + settings.server() + "' is still connecting" : describe(offlineReason));
                clientSawLocalAnswer = true;
                out.write(JsonRpc.result(request.get("id"), localInitializeResult(request,
                        state == State.OFFLINE && setUpProblem(offlineReason) ? offlineReason : null)));
            }
        }
    }

    private static String requestedVersion(JsonNode initialize) {
        return initialize.path("params").path("protocolVersion").asText("");
    }

    /** {@code problem}: a set-up problem that keeps the tools away (null: none known, the tools are on their way). */
    private ObjectNode localInitializeResult(JsonNode request, BridgeException problem) {
        if (problem != null) {
            String message = problem.getMessage().endsWith(".") ? problem.getMessage() : problem.getMessage() + ".";
            return LocalInitialize.result(request, settings.server(), version, true, "xaa cannot connect to the MCP "
                    + "server '" + settings.server() + "' until this is fixed: " + message + " Until then every request "
                    + "is answered with this error and there are no tools" + (problem.reason() == Reason.NOT_SET_UP
                    ? "; they appear (notifications/tools/list_changed) once xaa is set up."
                    : "; after the fix, restart this MCP server in the AI client."));
        }
        return LocalInitialize.result(request, settings.server(), version, true, "Connecting to the MCP server '"
                + settings.server() + "' through xaa. Its tools appear (notifications/tools/list_changed) once the "
                + "connection is ready.");
    }

    /** Starts an upstream (re)initialize unless one is in flight. Caller holds the lock. */
    private CompletableFuture<JsonNode> connect() {
        if (connecting != null && !connecting.isDone()) {
            return connecting;
        }
        state = State.CONNECTING;
        // waiters get the future that completes after connected() has moved the state on, never before
        CompletableFuture<JsonNode> settled = CompletableFuture.supplyAsync(this::initializeUpstream, workers)
                .whenComplete(this::connected);
        connecting = settled;
        return settled;
    }

    /** POSTs the client's initialize under a bridge-owned id; returns the server's response. */
    private JsonNode initializeUpstream() {
        JsonNode original;
        synchronized (lock) {
            original = clientInitialize;
        }
        ObjectNode init = original.deepCopy();
        init.put("id", "xaa-bridge-initialize-" + bridgeIds.incrementAndGet());
        upstream.resetSession();
        Duration timeout = settings.requestTimeout().compareTo(Duration.ofSeconds(30)) < 0
                ? settings.requestTimeout() : Duration.ofSeconds(30);
        if (legacy != null) {
            return initializeLegacy(init, timeout);
        }
        UpstreamResponse r;
        try {
            r = upstream.post(init, timeout);
        } catch (SessionLostException e) {
            throw new IllegalStateException(e); // no session id was sent
        }
        if (r.status() == 404 || r.status() == 405) {
            // MCP 2025-03-26 backwards compatibility: an HTTP+SSE (2024-11-05) server rejects the POST.
            r.discard();
            return initializeLegacy(init, timeout);
        }
        JsonNode response = relay.awaitResponse(r, init.get("id"), out::write);
        if (response == null) {
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server '" + settings.server()
                    + "' did not answer initialize");
        }
        if (response.has("result")) {
            upstream.sessionEstablished(r, response.path("result").path("protocolVersion").asText(null));
        }
        return response;
    }

    private JsonNode initializeLegacy(ObjectNode init, Duration timeout) {
        LegacySseChannel old = legacy;
        if (old != null) {
            old.close();
        }
        LegacySseChannel channel = LegacySseChannel.open(upstream, mapper, out::write, timeout);
        legacy = channel;
        return channel.request(init, timeout);
    }

    /** Completion of a connect attempt: CONNECTED or OFFLINE, with the follow-ups the state machine names. */
    private void connected(JsonNode response, Throwable failure) {
        JsonNode toRemember = null;
        boolean toForget = false;
        String requested;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            requested = requestedVersion(clientInitialize);
            if (failure == null && response.has("result")) {
                JsonNode result = response.get("result");
                if (!result.equals(cachedAnswer)) {
                    toRemember = result;
                    cachedAnswer = result;
                }
                state = State.CONNECTED;
                offlineReason = null;
                backoff.reset();
                int gen = ++generation;
                LOG.info("connected to MCP server '{}' ({}){}", settings.server(), upstream.endpoint(),
                        upstream.sessionId().isPresent() ? ", session established" : "");
                if (clientInitialized) {
                    postQuietly(JsonRpc.notification("notifications/initialized"));
                }
                if (legacy == null) {
                    workers.execute(() -> readEventStream(gen));
                }
                Set<String> changed = new java.util.LinkedHashSet<>();
                if (clientSawLocalAnswer) {
                    clientSawLocalAnswer = false;
                    changed.add("tools");
                }
                if (answeredFromCache != null) {
                    if (!answeredFromCache.equals(result)) {
                        LOG.info("MCP server '{}' answers initialize differently than last time: telling the client "
                                + "to list its tools, prompts and resources again", settings.server());
                        for (String kind : java.util.List.of("tools", "prompts", "resources")) {
                            if (result.path("capabilities").has(kind) || answeredFromCache.path("capabilities").has(kind)) {
                                changed.add(kind);
                            }
                        }
                    }
                    answeredFromCache = null;
                }
                for (String kind : changed) {
                    out.write(JsonRpc.notification("notifications/" + kind + "/list_changed"));
                }
            } else {
                offline(response, failure);
                toForget = failure == null && cachedAnswer != null; // the server refused this initialize outright
                if (toForget) {
                    cachedAnswer = null;
                }
            }
        }
        if (toRemember != null) {
            initializeCache.remember(settings.endpoint(), requested, toRemember);
        } else if (toForget) {
            initializeCache.forget(settings.endpoint(), requested);
        }
    }

    /**
     * The failure half of {@link #connected}. Caller holds the lock. Only a failure that can clear by itself
     * ({@link BridgeException#retryable}: the server or the network) is retried on the backoff timer. The others
     * are logged once (again only when the reason changes) and wait for what can clear them: sign-in required —
     * the session watch ({@link UpstreamAuth#onChange}); not set up — a quiet retry every {@link Backoff#MAX} (the
     * engine is rebuilt once {@code xaa idp} has run); configuration, access denied, not enabled — the next request.
     */
    private void offline(JsonNode response, Throwable failure) {
        state = State.OFFLINE;
        BridgeException previous = offlineReason;
        offlineReason = failure != null ? asBridgeException(failure) : new BridgeException(Reason.INTERNAL,
                "MCP server '" + settings.server() + "' refused initialize: "
                        + response.path("error").path("message").asText("no reason given"));
        if (!offlineReason.retryable()) {
            boolean news = previous == null || previous.reason() != offlineReason.reason()
                    || !java.util.Objects.equals(previous.getMessage(), offlineReason.getMessage());
            if (news) {
                LOG.warn("cannot connect to MCP server '{}': {}{}", settings.server(), offlineReason.getMessage(),
                        switch (offlineReason.reason()) {
                            case SIGN_IN_REQUIRED -> "; reconnecting once signed in";
                            case NOT_SET_UP -> "; reconnecting once xaa is set up";
                            default -> "; not retried until the next request";
                        });
            }
            if (offlineReason.reason() == Reason.NOT_SET_UP && !retryPending) {
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
        LOG.info("offline: {}; retrying in {} s", describe(offlineReason), delay.toSeconds());
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

    private void reconnectIfOffline() {
        synchronized (lock) {
            if (state == State.OFFLINE) {
                connect();
            }
        }
    }

    // ---- everything but initialize --------------------------------------------------------------------

    /**
     * Sends one client message on. Stdin order is the wire order: a request is handed to a worker (its answer
     * may take long, and may need the client's answer to a server request first), and what follows it on stdin
     * waits until the request has been written to its connection. Requests travel on parallel connections, so
     * a notification or a response (a {@code notifications/cancelled} above all) also waits, at most
     * {@link #TAKEN_WAIT}, until the server has started to answer the requests before it: then the server has
     * taken them and handles the notification after them. (While not connected nothing is sent, so nothing waits.)
     */
    private void route(JsonNode m) {
        if (JsonRpc.isRequest(m)) {
            Progress progress = new Progress();
            boolean connected = state() == State.CONNECTED;
            inFlight.register();
            untaken.add(progress.taken);
            progress.taken.whenComplete((v, t) -> untaken.remove(progress.taken));
            workers.execute(() -> {
                try {
                    request(m, progress);
                } finally {
                    progress.sent.complete(null);
                    progress.taken.complete(null);
                    inFlight.arriveAndDeregister();
                }
            });
            if (connected) {
                await(progress.sent, settings.connectTimeout().plusSeconds(5));
            }
            return;
        }
        if (!untaken.isEmpty()) {
            await(CompletableFuture.allOf(untaken.toArray(CompletableFuture[]::new)), TAKEN_WAIT);
        }
        String method = JsonRpc.method(m);
        synchronized (lock) {
            if ("notifications/initialized".equals(method)) {
                clientInitialized = true;
            }
            if ("notifications/cancelled".equals(method) && m.path("params").has("requestId")) {
                cancelled.add(JsonRpc.idKey(m.path("params").get("requestId")));
            }
            if (state != State.CONNECTED) {
                LOG.debug("offline: dropping {}", method.isEmpty() ? "a response" : method);
                return;
            }
        }
        postWithSessionRecovery(m);
    }

    /** Posts a notification or a response (the server answers 202). */
    private void postWithSessionRecovery(JsonNode m) {
        int gen = generation();
        LegacySseChannel channel = legacy;
        if (channel != null) {
            try {
                channel.send(m);
            } catch (BridgeException e) {
                LOG.warn("could not forward {} to '{}': {}", JsonRpc.isResponse(m) ? "a response" : JsonRpc.method(m),
                        settings.server(), e.getMessage());
            }
            return;
        }
        try {
            try {
                postQuietly(upstream.post(m, settings.connectTimeout().plusSeconds(5)));
            } catch (SessionLostException e) {
                recoverSession(gen);
                postQuietly(upstream.post(m, settings.connectTimeout().plusSeconds(5)));
            }
        } catch (BridgeException | SessionLostException e) {
            LOG.warn("could not forward {} to '{}': {}", JsonRpc.isResponse(m) ? "a response" : JsonRpc.method(m),
                    settings.server(), e.getMessage());
        }
    }

    private void postQuietly(UpstreamResponse r) {
        int status = r.status();
        r.discard();
        if (status / 100 != 2) {
            LOG.warn("MCP server '{}' answered HTTP {} to a notification or response", settings.server(), status);
        }
    }

    private void postQuietly(JsonNode m) {
        LegacySseChannel channel = legacy;
        try {
            if (channel != null) {
                channel.send(m);
                return;
            }
            postQuietly(upstream.post(m, settings.connectTimeout().plusSeconds(5)));
        } catch (BridgeException | SessionLostException e) {
            LOG.warn("could not send {} to '{}': {}", JsonRpc.method(m), settings.server(), e.getMessage());
        }
    }

    /** Where a forwarded request is: written to its connection; taken by the server (its answer started). */
    private static final class Progress {
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        final CompletableFuture<Void> taken = new CompletableFuture<>();

        void sent() {
            sent.complete(null);
        }

        void taken() {
            taken.complete(null);
        }
    }

    /** Forwards a client request and writes its answer, telling {@code progress} how far it got. */
    private void request(JsonNode m, Progress progress) {
        JsonNode id = m.get("id");
        try {
            if (!awaitConnected()) {
                answerOffline(m);
                return;
            }
            if (cancelled.remove(JsonRpc.idKey(id))) {
                LOG.debug("the client cancelled {} while the bridge was connecting: not sent", JsonRpc.method(m));
                return;
            }
            if (!forward(m, progress) && !cancelled.remove(JsonRpc.idKey(id))) {
                out.write(error(id, new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server '"
                        + settings.server() + "' closed the response stream without answering")));
            }
        } catch (BridgeException e) {
            if (!cancelled.remove(JsonRpc.idKey(id))) {
                LOG.info("{} failed: {}", JsonRpc.method(m), e.getMessage());
                out.write(error(id, e));
            }
        } catch (dev.xaa4j.connector.ConnectorException e) {
            BridgeException b = BridgeException.of(e);
            LOG.info("{} failed: {}", JsonRpc.method(m), b.getMessage());
            out.write(error(id, b));
        } catch (RuntimeException e) {
            LOG.error("bridge failure on {}", JsonRpc.method(m), e);
            out.write(error(id, new BridgeException(Reason.INTERNAL, "xaa bridge internal error: " + e)));
        }
    }

    /**
     * POSTs a request and relays everything the server streams back, the answer to stdout the moment it
     * arrives; one replay after a lost session. Returns whether the server answered.
     */
    private boolean forward(JsonNode m, Progress progress) {
        int gen = generation();
        LegacySseChannel channel = legacy;
        if (channel != null) {
            if (!channel.isOpen()) {
                LOG.info("the SSE stream of '{}' ended: reconnecting and replaying the request", settings.server());
                recoverSession(gen);
                channel = legacy;
            }
            // HTTP+SSE: the answer is one event on the stream, so its start is its end
            JsonNode answer = channel.request(m, settings.requestTimeout(), () -> {
                progress.sent();
                progress.taken(); // written on the single stream's POST, answered 202 there
            });
            if (answer != null) {
                out.write(answer);
            }
            return answer != null;
        }
        try {
            UpstreamResponse r = upstream.postRequest(m, settings.requestTimeout(), progress::sent);
            progress.taken();
            return relay.relay(r, m.get("id"), out::write, out::write);
        } catch (SessionLostException first) {
            LOG.info("MCP session on '{}' is gone (HTTP 404): starting a new one and replaying the request", settings.server());
            recoverSession(gen);
            try {
                return relay.relay(upstream.postRequest(m, settings.requestTimeout(), progress::sent), m.get("id"), out::write, out::write);
            } catch (SessionLostException again) {
                throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server '" + settings.server()
                        + "' dropped the new session at once (HTTP 404 twice)");
            }
        }
    }

    /** Re-initializes after a 404 seen in generation {@code staleGeneration}, unless someone already did. */
    private void recoverSession(int staleGeneration) {
        CompletableFuture<JsonNode> attempt;
        synchronized (lock) {
            if (state == State.CONNECTED && generation != staleGeneration) {
                return;
            }
            attempt = connect();
        }
        await(attempt, Duration.ofSeconds(30));
        synchronized (lock) {
            if (state != State.CONNECTED) {
                throw offlineReason != null ? offlineReason : upstream.unavailable("reconnection failed", null);
            }
        }
    }

    /**
     * True once CONNECTED. A request that finds a connection attempt under way waits for its outcome (up to
     * {@link #ATTEMPT_WAIT}: the attempt's own timeouts end it sooner) — after a cached initialize answer the
     * client's first call usually arrives while the bridge is still connecting, and should run, not fail. An
     * offline bridge starts an attempt and waits up to {@code connectWait}.
     */
    private boolean awaitConnected() {
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

    private void answerOffline(JsonNode m) {
        JsonNode id = m.get("id");
        String method = JsonRpc.method(m);
        BridgeException reason;
        synchronized (lock) {
            if (state == State.AWAITING_INITIALIZE) {
                if ("ping".equals(method)) {
                    out.write(JsonRpc.result(id, NODES.objectNode()));
                } else {
                    out.write(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Send initialize first", null));
                }
                return;
            }
            clientSawLocalAnswer = true;
            reason = offlineReason != null ? offlineReason : new BridgeException(Reason.UPSTREAM_UNAVAILABLE,
                    "MCP server '" + settings.server() + "' is still connecting; try again in a moment");
        }
        if (!"ping".equals(method) && setUpProblem(reason)) {
            out.write(error(id, reason)); // lists too: an empty list would hide why no tools ever come
            return;
        }
        switch (method) {
            case "ping" -> out.write(JsonRpc.result(id, NODES.objectNode()));
            case "tools/list" -> out.write(JsonRpc.result(id, emptyList("tools")));
            case "prompts/list" -> out.write(JsonRpc.result(id, emptyList("prompts")));
            case "resources/list" -> out.write(JsonRpc.result(id, emptyList("resources")));
            case "resources/templates/list" -> out.write(JsonRpc.result(id, emptyList("resourceTemplates")));
            default -> out.write(error(id, reason));
        }
    }

    private static ObjectNode emptyList(String field) {
        ObjectNode result = NODES.objectNode();
        result.putArray(field);
        return result;
    }

    // ---- server-initiated messages (GET stream) ---------------------------------------------------------

    /**
     * Reads the GET stream of session {@code gen} (Streamable HTTP §Listening for Messages from the Server) until
     * the session ends. The server may refuse it, so the reader never harms the server:
     * <ul>
     *   <li>405: the server offers no GET stream; the reader stops (server messages still come on POST responses);</li>
     *   <li>404 (the session id was sent): if this session's stream was open before, the session is gone and is
     *       re-initialized; if it never opened, the first such 404 of this bridge re-initializes once and any
     *       later one means "no GET stream" for that session — never a re-initialize loop;</li>
     *   <li>any other 4xx: retried with backoff at most {@value #GET_REFUSALS} times, then no GET stream;</li>
     *   <li>5xx, a broken connection, a stream that ends without any message: retried with backoff (1 s
     *       doubling to 30 s); a stream that delivered a message resets the backoff.</li>
     * </ul>
     */
    private void readEventStream(int gen) {
        String lastEventId = null;
        Backoff retries = new Backoff();
        boolean opened = false;
        int refusals = 0;
        while (generation() == gen && state() == State.CONNECTED) {
            try {
                UpstreamResponse r = upstream.openEventStream(lastEventId);
                String type = r.contentType();
                int status = r.status();
                if (status == 200 && type.equals(ProtocolNames.EVENT_STREAM)) {
                    opened = true;
                    eventStream = r;
                    if (state() == State.CLOSED) {
                        r.abort(); // shutdown began while the stream was opening
                    }
                    AtomicInteger delivered = new AtomicInteger();
                    lastEventId = relay.pump(r.body(), lastEventId, m -> {
                        delivered.incrementAndGet();
                        out.write(m);
                    });
                    if (delivered.get() > 0) {
                        retries.reset();
                    }
                } else {
                    r.abort();
                    if (status == 405 || (status / 100 == 4 && ++refusals >= GET_REFUSALS)) {
                        noEventStream("HTTP " + status);
                        return;
                    }
                    LOG.debug("GET stream: HTTP {} {}", status, type);
                }
            } catch (SessionLostException e) {
                if (!opened && !getReinitializeLeft.compareAndSet(true, false)) {
                    noEventStream("HTTP 404 on the GET of a new session");
                    return;
                }
                LOG.info("MCP session on '{}' is gone (GET stream 404): starting a new one", settings.server());
                try {
                    recoverSession(gen);
                } catch (BridgeException failed) {
                    LOG.warn("cannot restore the session: {}", failed.getMessage());
                }
                return; // the new session has its own stream reader
            } catch (BridgeException | IOException e) {
                LOG.debug("GET stream: {}", e.getMessage());
            }
            sleep(retries.next());
        }
    }

    private void noEventStream(String why) {
        LOG.info("MCP server '{}' offers no GET stream ({}): going on without it; its messages arrive with the "
                + "responses to requests", settings.server(), why);
    }

    // ---- shutdown -----------------------------------------------------------------------------------------

    private void shutdown() {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
            int phase = inFlight.arrive();
            inFlight.awaitAdvanceInterruptibly(phase, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.info("stdin closed with requests still running; abandoning them");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            state = State.CLOSED;
        }
        UpstreamResponse stream = eventStream;
        if (stream != null) {
            stream.abort(); // the GET stream never ends by itself: drop its connection
        }
        LegacySseChannel channel = legacy;
        if (channel != null) {
            channel.close();
        }
        upstream.deleteSession(Duration.ofSeconds(2));
        upstream.close();
        timer.shutdownNow();
        workers.shutdownNow();
        LOG.debug("bridge closed");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private int generation() {
        synchronized (lock) {
            return generation;
        }
    }

    private ObjectNode error(JsonNode id, BridgeException e) {
        ObjectNode data = NODES.objectNode();
        data.put("reason", e.reason().wireName());
        data.put("server", settings.server());
        return JsonRpc.error(id, e.reason().jsonRpcCode(), e.getMessage(), data);
    }

    private static BridgeException asBridgeException(Throwable t) {
        return BridgeException.of(t);
    }

    /** Whether the bridge cannot connect for a reason only the person can fix (no tools will come by themselves). */
    private static boolean setUpProblem(BridgeException e) {
        return e != null && (e.reason() == Reason.CONFIGURATION || e.reason() == Reason.NOT_SET_UP);
    }

    private static String describe(BridgeException e) {
        return e == null ? "not connected" : e.getMessage();
    }

    private static void await(CompletableFuture<?> f, Duration max) {
        try {
            f.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the caller reads the state
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
