package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deprecated HTTP+SSE transport (MCP 2024-11-05), for servers that do not speak Streamable HTTP (MCP
 * 2025-03-26 "Backwards compatibility": the client's POST of initialize fails with 4xx, so it GETs the URL
 * and waits for an {@code endpoint} event naming where to POST). Every server message arrives on the one
 * stream: a response is handed to the request waiting for it, anything else goes to {@code others}.
 * When the stream ends the channel is dead: pending requests fail and the bridge starts a new channel.
 */
final class LegacySseChannel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LegacySseChannel.class);

    private final StreamableHttpUpstream http;
    private final ObjectMapper mapper;
    private final Consumer<JsonNode> others;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<URI> messageEndpoint = new CompletableFuture<>();
    private volatile UpstreamResponse stream;
    private volatile boolean closed;

    private LegacySseChannel(StreamableHttpUpstream http, ObjectMapper mapper, Consumer<JsonNode> others) {
        this.http = http;
        this.mapper = mapper;
        this.others = others;
    }

    /** GETs the server URL and waits for the {@code endpoint} event. */
    static LegacySseChannel open(StreamableHttpUpstream http, ObjectMapper mapper, Consumer<JsonNode> others,
                                 Duration timeout) {
        LegacySseChannel c = new LegacySseChannel(http, mapper, others);
        UpstreamResponse r;
        try {
            r = http.openEventStream(null);
        } catch (SessionLostException e) {
            throw new IllegalStateException(e); // no session id is sent in this transport
        }
        if (r.status() != 200 || !r.contentType().equals(ProtocolNames.EVENT_STREAM)) {
            r.abort();
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "no MCP endpoint at " + http.endpoint()
                    + " (neither Streamable HTTP nor HTTP+SSE; GET answered " + r.status() + "); check the server URL");
        }
        c.stream = r;
        Thread reader = new Thread(c::read, "xaa-legacy-sse");
        reader.setDaemon(true);
        reader.start();
        try {
            URI endpoint = c.messageEndpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("MCP server '{}' speaks the HTTP+SSE transport (2024-11-05); posting to {}",
                    http.endpoint(), endpoint.getPath());
            return c;
        } catch (TimeoutException | ExecutionException e) {
            c.close();
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "the SSE stream at " + http.endpoint()
                    + " sent no endpoint event");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "interrupted");
        }
    }

    boolean isOpen() {
        return !closed;
    }

    /** POSTs a request and waits for its response on the stream. */
    JsonNode request(JsonNode message, Duration timeout) {
        return request(message, timeout, () -> { });
    }

    /** POSTs a request ({@code onSent} runs once it is written) and waits up to {@code timeout} for its response. */
    JsonNode request(JsonNode message, Duration timeout, Runnable onSent) {
        String key = JsonRpc.idKey(message.get("id"));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(key, answer);
        try {
            send(message, onSent);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw http.unavailable("no answer in time", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof BridgeException b ? b : http.unavailable(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw http.unavailable("interrupted", e);
        } finally {
            pending.remove(key);
        }
    }

    /** POSTs a notification or a response (the server answers 202). */
    void send(JsonNode message) {
        send(message, () -> { });
    }

    private void send(JsonNode message, Runnable onSent) {
        if (closed) {
            throw http.unavailable("the SSE stream is closed", null);
        }
        try {
            UpstreamResponse r = http.post(messageEndpoint.join(), message, Duration.ofSeconds(30), onSent);
            int status = r.status();
            r.discard();
            if (status / 100 != 2) {
                throw new BridgeException(status / 100 == 5 ? Reason.UPSTREAM_UNAVAILABLE : Reason.INTERNAL,
                        "MCP server at " + http.endpoint() + " answered HTTP " + status + " to a message");
            }
        } catch (SessionLostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        try {
            SseReader sse = new SseReader(stream.body());
            SseReader.Event e;
            while (true) {
                try {
                    e = sse.next();
                } catch (MessageTooLargeException big) {
                    LOG.warn("dropping a message from the server: {}", big.getMessage()); // its request times out
                    continue;
                }
                if (e == null) {
                    break;
                }
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
        JsonNode m;
        try {
            m = mapper.readTree(data);
        } catch (JsonProcessingException ex) {
            LOG.warn("dropping an SSE event from the server that is not JSON ({} chars)", data.length());
            return;
        }
        if (JsonRpc.isResponse(m) && m.get("id") != null && (m.get("id").isTextual() || m.get("id").isNumber())) {
            CompletableFuture<JsonNode> waiting = pending.get(JsonRpc.idKey(m.get("id")));
            if (waiting != null) {
                waiting.complete(m);
                return;
            }
        }
        others.accept(m);
    }

    @Override
    public void close() {
        closed = true;
        UpstreamResponse s = stream;
        if (s != null) {
            s.abort(); // an event stream never ends by itself: drop the connection
        }
    }
}
