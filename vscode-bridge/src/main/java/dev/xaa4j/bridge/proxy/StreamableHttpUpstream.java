package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamable HTTP transport (MCP 2025-03-26 and later, "Transports" §Streamable HTTP) as an
 * {@link UpstreamChannel}: every client message is one POST to the endpoint, answered by a JSON body or an event
 * stream ({@link ResponseRelay}); server-initiated messages come on the GET stream ({@link #listen}). Owns the
 * {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} headers (§Session Management, §Protocol Version
 * Header): a 404 on a request that carried the session id is {@link SessionLostException}. Authorization is
 * {@link UpstreamHttp}'s. Thread-safe.
 */
final class StreamableHttpUpstream implements UpstreamChannel {

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpUpstream.class);
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String PROTOCOL_HEADER = "MCP-Protocol-Version";
    /** How many 4xx answers (other than 404 and 405) to the GET stream end its retries. */
    static final int GET_REFUSALS = 5;
    /** The longest {@link #close} waits for the server to acknowledge the DELETE of the session. */
    static final Duration TERMINATE_WAIT = Duration.ofSeconds(2);

    private final UpstreamHttp http;
    private final ResponseRelay relay;
    private final Consumer<JsonNode> toClient;
    /** How long the server may take to acknowledge a notification or a response. */
    private final Duration sendTimeout;
    private volatile String sessionId;
    private volatile String protocolVersion;
    /** A 404 on a GET stream that never opened re-initializes once per channel, never more (see listen). */
    private final AtomicBoolean getReinitializeLeft = new AtomicBoolean(true);
    private volatile UpstreamResponse eventStream;
    private volatile boolean closed;

    StreamableHttpUpstream(UpstreamHttp http, ResponseRelay relay, Duration sendTimeout, Consumer<JsonNode> toClient) {
        this.http = http;
        this.relay = relay;
        this.sendTimeout = sendTimeout;
        this.toClient = toClient;
    }

    @Override
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /** POSTs {@code request} without a session id; 404/405 mean the server is an HTTP+SSE one. */
    @Override
    public JsonNode initialize(ObjectNode request, Duration timeout) throws NotThisTransportException {
        sessionId = null;
        protocolVersion = null;
        UpstreamResponse r;
        try {
            r = post(request, timeout);
        } catch (SessionLostException e) {
            throw new IllegalStateException(e); // no session id was sent
        }
        if (r.status() == 404 || r.status() == 405) {
            r.discard();
            throw new NotThisTransportException(r.status());
        }
        JsonNode response = relay.awaitResponse(r, request.get("id"), toClient);
        if (response == null) {
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server '" + http.server()
                    + "' did not answer initialize");
        }
        if (response.has("result")) {
            sessionId = r.header(SESSION_HEADER).orElse(null);
            protocolVersion = response.path("result").path("protocolVersion").asText(null);
        }
        return response;
    }

    @Override
    public boolean request(JsonNode request, Duration timeToStart, Runnable onSent, Runnable onTaken)
            throws SessionLostException {
        byte[] body = http.serialize(request);
        UpstreamResponse r = exchange(() -> http.newPost(http.endpoint(), body, null, onSent), "POST", timeToStart);
        onTaken.run();
        return relay.relay(r, request.get("id"), toClient, toClient,
                lastEventId -> exchange(() -> http.newEventStreamGet(http.endpoint(), lastEventId), "GET", timeToStart));
    }

    @Override
    public void send(JsonNode message) throws SessionLostException {
        UpstreamResponse r = post(message, sendTimeout);
        int status = r.status();
        r.discard();
        if (status / 100 != 2) {
            LOG.warn("MCP server '{}' answered HTTP {} to a notification or response", http.server(), status);
        }
    }

    /** POSTs one message; {@code timeout}: how long the server may stay silent while answering. */
    UpstreamResponse post(JsonNode message, Duration timeout) throws SessionLostException {
        byte[] body = http.serialize(message);
        return exchange(() -> http.newPost(http.endpoint(), body, timeout, () -> { }), "POST", null);
    }

    /**
     * Reads the GET stream (§Listening for Messages from the Server) while {@code current} holds. The server may
     * refuse it, so the reader never harms the server:
     * <ul>
     *   <li>405: the server offers no GET stream; the reader stops (server messages still come on POST responses);</li>
     *   <li>404 (the session id was sent): if this session's stream was open before, the session is gone (returns
     *       true: re-initialize); if it never opened, the first such 404 of this channel re-initializes once and
     *       any later one means "no GET stream" for that session — never a re-initialize loop;</li>
     *   <li>any other 4xx: retried with backoff at most {@value #GET_REFUSALS} times, then no GET stream;</li>
     *   <li>5xx, a broken connection, a stream that ends without any message: retried with backoff (1 s
     *       doubling to 30 s); a stream that delivered a message resets the backoff.</li>
     * </ul>
     */
    @Override
    public boolean listen(BooleanSupplier current) {
        String lastEventId = null;
        Backoff retries = new Backoff();
        boolean opened = false;
        int refusals = 0;
        while (current.getAsBoolean()) {
            try {
                String resumeAfter = lastEventId;
                UpstreamResponse r = exchange(() -> http.newEventStreamGet(http.endpoint(), resumeAfter), "GET", null);
                String type = r.contentType();
                int status = r.status();
                if (status == 200 && type.equals(ProtocolNames.EVENT_STREAM)) {
                    opened = true;
                    eventStream = r;
                    if (closed) {
                        r.abort(); // close began while the stream was opening
                    }
                    AtomicInteger delivered = new AtomicInteger();
                    lastEventId = relay.pump(r.body(), lastEventId, m -> {
                        delivered.incrementAndGet();
                        toClient.accept(m);
                    });
                    if (delivered.get() > 0) {
                        retries.reset();
                    }
                } else {
                    r.abort();
                    if (status == 405 || (status / 100 == 4 && ++refusals >= GET_REFUSALS)) {
                        noEventStream("HTTP " + status);
                        return false;
                    }
                    LOG.debug("GET stream: HTTP {} {}", status, type);
                }
            } catch (SessionLostException e) {
                if (!opened && !getReinitializeLeft.compareAndSet(true, false)) {
                    noEventStream("HTTP 404 on the GET of a new session");
                    return false;
                }
                LOG.info("MCP session on '{}' is gone (GET stream 404): starting a new one", http.server());
                return true;
            } catch (BridgeException | IOException e) {
                LOG.debug("GET stream: {}", e.getMessage());
            }
            sleep(retries.next());
        }
        return false;
    }

    private void noEventStream(String why) {
        LOG.info("MCP server '{}' offers no GET stream ({}): going on without it; its messages arrive with the "
                + "responses to requests", http.server(), why);
    }

    /** Drops the GET stream and ends the session on the server (DELETE); the HTTP client is its owner's. */
    @Override
    public void close() {
        closed = true;
        UpstreamResponse stream = eventStream;
        if (stream != null) {
            stream.abort(); // the GET stream never ends by itself: drop its connection
        }
        String id = sessionId;
        if (id == null) {
            return;
        }
        try {
            HttpDelete delete = new HttpDelete(http.endpoint());
            delete.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(TERMINATE_WAIT)).build());
            withSession(delete);
            UpstreamResponse r = http.sendOnce(delete);
            LOG.debug("DELETE session: HTTP {}", r.status());
            r.discard();
        } catch (RuntimeException e) {
            LOG.debug("DELETE session failed: {}", e.toString());
        }
    }

    /** {@link UpstreamHttp#exchange} with the session headers; a 404 to a request that carried the id ends the session. */
    private UpstreamResponse exchange(Supplier<HttpUriRequestBase> factory, String verb, Duration timeToStart)
            throws SessionLostException {
        boolean[] hadSession = new boolean[1];
        UpstreamResponse r = http.exchange(() -> {
            HttpUriRequestBase request = factory.get();
            hadSession[0] = withSession(request);
            return request;
        }, verb, timeToStart);
        if (r.status() == 404 && hadSession[0]) {
            r.discard();
            throw new SessionLostException();
        }
        return r;
    }

    /** Adds the session headers; returns whether a session id was sent. */
    private boolean withSession(HttpUriRequestBase request) {
        String id = sessionId;
        if (id != null) {
            request.setHeader(SESSION_HEADER, id);
        }
        String version = protocolVersion;
        if (version != null) {
            request.setHeader(PROTOCOL_HEADER, version);
        }
        return id != null;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
