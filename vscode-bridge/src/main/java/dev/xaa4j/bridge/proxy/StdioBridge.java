package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code xaa bridge SERVER}: a transparent JSON-RPC proxy between an AI client on stdio (newline-delimited
 * JSON-RPC, MCP "Transports" §stdio) and one MCP server. Messages pass through unchanged in both directions
 * (requests, responses, notifications, server-to-client requests such as sampling, elicitation and roots,
 * progress, cancellation). This class reads stdin and dispatches in order; the rest is in classes of their own:
 * <ul>
 *   <li>{@link UpstreamChannel}: the transport — {@link StreamableHttpUpstream}, or {@link LegacySseChannel} for
 *       servers of MCP 2024-11-05, chosen in one place ({@link NegotiatedChannel});</li>
 *   <li>{@link UpstreamSession}: the session state machine (connecting, connected, offline, re-initialize after a
 *       lost session, backoff);</li>
 *   <li>{@link InitializeHandshake}: the client's {@code initialize}, answered from the {@link InitializeCache},
 *       by the server within the budget, or by {@link LocalInitialize};</li>
 *   <li>{@link OfflineResponder}: answers while the upstream is not usable.</li>
 * </ul>
 * While not connected a request waits for a connection attempt already under way (bounded by its own timeouts),
 * or starts one and waits at most {@code connectWait}, then is answered by the {@link OfflineResponder}.
 * Notifications and responses from the client are dropped while offline (the server that would read them does
 * not know this client yet). A 401/403 on one request fails only that request; the session stays.
 *
 * <h2>What reaches the server</h2>
 * Only valid JSON-RPC 2.0 (see {@code JsonRpc.invalid}; the rest is answered {@code -32600} or {@code -32700}
 * on the spot), within {@code MessageLimit} (both directions), in stdin order (see {@code route}). The GET
 * stream a server refuses is given up, never turned into a re-initialize loop ({@link StreamableHttpUpstream#listen}).
 *
 * <h2>Threads</h2>
 * The stdin reader parses lines and answers {@code initialize} itself (so it is never queued behind other
 * work); everything else goes to one ordered dispatcher, which sends notifications and responses in order and
 * hands each request to a pool thread (a tool call that waits for the client's sampling answer must not block
 * that answer) once the previous request is on the wire. One thread reads the GET stream per session. stdout
 * has one synchronized writer. On stdin EOF in-flight requests drain (bounded), the session is DELETEd, and
 * {@link #run} returns 0.
 */
public final class StdioBridge {

    private static final Logger LOG = LoggerFactory.getLogger(StdioBridge.class);
    /** The longest a notification or response waits for the server to take the requests before it (see route). */
    static final Duration TAKEN_WAIT = Duration.ofMillis(100);

    private final BridgeSettings settings;
    private final ObjectMapper mapper;
    private final JsonRpcWriter out;
    private final UpstreamAuth auth;
    private final UpstreamSession session;
    private final InitializeHandshake handshake;
    private final OfflineResponder offline;

    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(DaemonThreads.factory("xaa-dispatch"));
    private final ExecutorService workers = Executors.newCachedThreadPool(DaemonThreads.factory("xaa-request"));
    private final Phaser inFlight = new Phaser(1);
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** Messages given to the dispatcher and not yet routed (written by the stdin reader and the dispatcher). */
    private final AtomicInteger queued = new AtomicInteger();
    /** Requests written but not yet taken by the server (their answer has not started). */
    private final Set<CompletableFuture<Void>> untaken = ConcurrentHashMap.newKeySet();
    /** The stdin reader (set by run). */
    private StdinMessages messages;

    public StdioBridge(BridgeSettings settings, UpstreamAuth auth, OutputStream stdout, String version) {
        this(settings, auth, InitializeCache.disabled(), stdout, version);
    }

    public StdioBridge(BridgeSettings settings, UpstreamAuth auth, InitializeCache initializeCache, OutputStream stdout,
                       String version) {
        this.settings = settings;
        this.mapper = MessageLimit.mapper();
        this.out = new JsonRpcWriter(stdout, mapper);
        this.auth = auth;
        this.session = new UpstreamSession(settings, NegotiatedChannel.to(settings, auth, mapper, out::write), workers,
                auth::extensions);
        this.handshake = new InitializeHandshake(session, settings, initializeCache, out, version);
        this.offline = new OfflineResponder(session, handshake, out, settings.server());
        session.listener(handshake);
        auth.onChange(session::reconnectIfOffline);
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
                handshake.initialize(first.request(), first.answer(), first.endpoint());
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

    private void accept(LineReader.Line line) {
        for (JsonNode m : messages.messages(line)) {
            if (JsonRpc.isRequest(m) && "initialize".equals(JsonRpc.method(m))) {
                handshake.initialize(m, null, null);
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
            boolean connected = session.state() == UpstreamSession.State.CONNECTED;
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
                UpstreamSession.await(progress.sent, settings.connectTimeout().plusSeconds(5));
            }
            return;
        }
        if (!untaken.isEmpty()) {
            UpstreamSession.await(CompletableFuture.allOf(untaken.toArray(CompletableFuture[]::new)), TAKEN_WAIT);
        }
        if ("notifications/cancelled".equals(JsonRpc.method(m)) && m.path("params").has("requestId")) {
            cancelled.add(JsonRpc.idKey(m.path("params").get("requestId")));
        }
        session.forwardMessage(m);
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
            if (!session.awaitConnected()) {
                offline.answer(m);
                return;
            }
            if (cancelled.remove(JsonRpc.idKey(id))) {
                LOG.debug("the client cancelled {} while the bridge was connecting: not sent", JsonRpc.method(m));
                return;
            }
            if (!session.forward(m, progress::sent, progress::taken) && !cancelled.remove(JsonRpc.idKey(id))) {
                out.write(JsonRpc.error(id, new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server '"
                        + settings.server() + "' closed the response stream without answering"), settings.server()));
            }
        } catch (BridgeException e) {
            if (!cancelled.remove(JsonRpc.idKey(id))) {
                LOG.info("{} failed: {}", JsonRpc.method(m), e.getMessage());
                out.write(JsonRpc.error(id, e, settings.server()));
            }
        } catch (dev.xaa4j.connector.ConnectorException e) {
            BridgeException b = BridgeException.of(e);
            LOG.info("{} failed: {}", JsonRpc.method(m), b.getMessage());
            out.write(JsonRpc.error(id, b, settings.server()));
        } catch (RuntimeException e) {
            LOG.error("bridge failure on {}", JsonRpc.method(m), e);
            out.write(JsonRpc.error(id, new BridgeException(Reason.INTERNAL, "xaa bridge internal error: " + e),
                    settings.server()));
        }
    }

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
        session.close();
        workers.shutdownNow();
        LOG.debug("bridge closed");
    }

}
