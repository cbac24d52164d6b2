package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deprecated HTTP+SSE transport (MCP 2024-11-05) as an {@link UpstreamChannel}, for servers that do not speak
 * Streamable HTTP (MCP 2025-03-26 "Transports" §Backwards Compatibility: the client's POST of initialize fails
 * with 4xx, so it GETs the URL and waits for an {@code endpoint} event naming where to POST). Every server
 * message arrives on the one stream, read by a thread of its own ({@code xaa-legacy-sse}): a response is handed
 * to the request waiting for it, anything else goes to {@code toClient}. When the stream ends the session is
 * over: pending requests fail, the next request throws {@link SessionLostException}, and {@link #initialize}
 * opens a new stream. Thread-safe.
 */
final class LegacySseChannel implements UpstreamChannel {

    private static final Logger LOG = LoggerFactory.getLogger(LegacySseChannel.class);
    /** How long the server may take to acknowledge a POSTed message. */
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);

    private final UpstreamHttp http;
    private final ObjectMapper mapper;
    private final Consumer<JsonNode> toClient;
    /** The event stream of the current session (null before the first initialize). */
    private volatile Stream stream;

    LegacySseChannel(UpstreamHttp http, ObjectMapper mapper, Consumer<JsonNode> toClient) {
        this.http = http;
        this.mapper = mapper;
        this.toClient = toClient;
    }

    /** One GET event stream: one session of this transport. */
    private final class Stream {
        final UpstreamResponse response;
        final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final CompletableFuture<URI> messageEndpoint = new CompletableFuture<>();
        volatile boolean closed;

        Stream(UpstreamResponse response) {
            this.response = response;
        }

        void read() {
            try {
                SseReader sse = new SseReader(response.body());
                SseReader.Event e;
                // an event over the message limit is skipped with a warning: its request times out
                while ((e = ResponseRelay.nextWithinLimit(sse)) != null) {
                    if ("endpoint".equals(e.event())) {
                        messageEndpoint.complete(http.endpoint().resolve(e.data().trim()));
                    } else if (!e.data().isBlank()) {
                        dispatch(e.data());
                    }
                }
            } catch (IOException e) {
                LOG.debug("HTTP+SSE stream ended: {}", e.toString());
            } finally {
                closed = true;
                BridgeException gone = http.unavailable("the server closed the SSE stream", null);
                messageEndpoint.completeExceptionally(gone);
                pending.values().forEach(f -> f.completeExceptionally(gone));
            }
        }

        private void dispatch(String data) {
            JsonNode m = JsonRpc.eventData(mapper, data);
            if (m == null) {
                return;
            }
            if (JsonRpc.isResponse(m) && m.get("id") != null && (m.get("id").isTextual() || m.get("id").isNumber())) {
                CompletableFuture<JsonNode> waiting = pending.get(JsonRpc.idKey(m.get("id")));
                if (waiting != null) {
                    waiting.complete(m);
                    return;
                }
            }
            toClient.accept(m);
        }

        void close() {
            closed = true;
            response.abort(); // an event stream never ends by itself: drop the connection
        }
    }

    /** Drops the previous stream, GETs the server URL, waits for the {@code endpoint} event, then POSTs {@code request}. */
    @Override
    public JsonNode initialize(ObjectNode request, Duration timeout) {
        Stream old = stream;
        if (old != null) {
            old.close();
        }
        Stream s = open(timeout);
        stream = s;
        return request(s, request, timeout, () -> { });
    }

    private Stream open(Duration timeout) {
        UpstreamResponse r = http.exchange(() -> http.newEventStreamGet(http.endpoint(), null), "GET", null);
        if (r.status() != 200 || !r.contentType().equals(ProtocolNames.EVENT_STREAM)) {
            r.abort();
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "no MCP endpoint at " + http.endpoint()
                    + " (neither Streamable HTTP nor HTTP+SSE; GET answered " + r.status() + "); check the server URL");
        }
        Stream s = new Stream(r);
        DaemonThreads.start(s::read, "xaa-legacy-sse");
        try {
            URI endpoint = s.messageEndpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("MCP server '{}' speaks the HTTP+SSE transport (2024-11-05); posting to {}",
                    http.endpoint(), endpoint.getPath());
            return s;
        } catch (TimeoutException | ExecutionException e) {
            s.close();
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "the SSE stream at " + http.endpoint()
                    + " sent no endpoint event");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "interrupted");
        }
    }

    /** Whether the current session's stream is open. */
    boolean isOpen() {
        Stream s = stream;
        return s != null && !s.closed;
    }

    /** The answer is one event on the stream, so its start is its end: {@code onTaken} runs with {@code onSent}. */
    @Override
    public boolean request(JsonNode request, Duration timeout, Runnable onSent, Runnable onTaken)
            throws SessionLostException {
        Stream s = stream;
        if (s == null || s.closed) {
            throw new SessionLostException("the SSE stream ended");
        }
        JsonNode answer = request(s, request, timeout, () -> {
            onSent.run();
            onTaken.run(); // written on the single stream's POST, answered 202 there
        });
        if (answer != null) {
            toClient.accept(answer);
        }
        return answer != null;
    }

    /** POSTs a request ({@code onSent} runs once it is written) and waits up to {@code timeout} for its response. */
    private JsonNode request(Stream s, JsonNode message, Duration timeout, Runnable onSent) {
        String key = JsonRpc.idKey(message.get("id"));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        s.pending.put(key, answer);
        try {
            send(s, message, onSent);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw http.unavailable("no answer in time", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof BridgeException b ? b : http.unavailable(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw http.unavailable("interrupted", e);
        } finally {
            s.pending.remove(key);
        }
    }

    /** POSTs a notification or a response (the server answers 202); throws when the stream is closed. */
    @Override
    public void send(JsonNode message) {
        Stream s = stream;
        if (s == null) {
            throw http.unavailable("the SSE stream is closed", null);
        }
        send(s, message, () -> { });
    }

    private void send(Stream s, JsonNode message, Runnable onSent) {
        if (s.closed) {
            throw http.unavailable("the SSE stream is closed", null);
        }
        byte[] body = http.serialize(message);
        URI target = s.messageEndpoint.join();
        UpstreamResponse r = http.exchange(() -> http.newPost(target, body, POST_TIMEOUT, onSent), "POST", null);
        int status = r.status();
        r.discard();
        if (status / 100 != 2) {
            throw new BridgeException(status / 100 == 5 ? Reason.UPSTREAM_UNAVAILABLE : Reason.INTERNAL,
                    "MCP server at " + http.endpoint() + " answered HTTP " + status + " to a message");
        }
    }

    /** The one stream is read by its own thread from {@link #initialize} on: nothing to do here. */
    @Override
    public boolean listen(BooleanSupplier current) {
        return false;
    }

    @Override
    public void close() {
        Stream s = stream;
        if (s != null) {
            s.close();
        }
    }
}
