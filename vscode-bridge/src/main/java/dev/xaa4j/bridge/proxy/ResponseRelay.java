package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the server sent back for one POST: a JSON body or an SSE stream (Streamable HTTP §Sending
 * Messages to the Server). Every message that is not the awaited response (server-to-client requests such
 * as sampling, elicitation, roots; progress and log notifications) goes to {@code others} as it arrives, so
 * the client can answer a server request while the original request is still open.
 *
 * <p>A POST's event stream that ends (or breaks) before the answer, after the server gave its events ids, is
 * resumed (Streamable HTTP §Resumability and Redelivery): after the server's {@code retry:} delay
 * ({@value #DEFAULT_RETRY_MILLIS} ms when it set none, at most {@value #MAX_RETRY_MILLIS} ms) a GET with
 * {@code Last-Event-ID} ({@link Resumption}), at most {@value #MAX_RESUMPTIONS} times in a row without a new event.
 */
final class ResponseRelay {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseRelay.class);

    static final long DEFAULT_RETRY_MILLIS = 1000;
    static final long MAX_RETRY_MILLIS = 30_000;
    static final int MAX_RESUMPTIONS = 5;

    /** Opens the stream that goes on after {@code lastEventId}: a GET with {@code Last-Event-ID}. */
    @FunctionalInterface
    interface Resumption {
        UpstreamResponse after(String lastEventId) throws SessionLostException;
    }

    private final ObjectMapper mapper;
    private final UpstreamHttp upstream;

    ResponseRelay(ObjectMapper mapper, UpstreamHttp upstream) {
        this.mapper = mapper;
        this.upstream = upstream;
    }

    /**
     * Returns the response to {@code id}, or null if the server accepted without answering (202) or closed the
     * stream before answering. HTTP errors become a JSON-RPC error from the body when the server sent one,
     * else a {@link BridgeException}.
     */
    JsonNode awaitResponse(UpstreamResponse r, JsonNode id, Consumer<JsonNode> others) {
        JsonNode[] found = new JsonNode[1];
        relay(r, id, m -> found[0] = m, others);
        return found[0];
    }

    /**
     * Hands the response to {@code id} to {@code answer} the moment it arrives, then reads the rest of the
     * exchange (further messages go to {@code others}) so its connection can carry the next request. Returns
     * whether an answer came; see {@link #awaitResponse} for errors.
     */
    boolean relay(UpstreamResponse r, JsonNode id, Consumer<JsonNode> answer, Consumer<JsonNode> others) {
        try {
            return relay(r, id, answer, others, null);
        } catch (SessionLostException impossible) {
            throw new IllegalStateException(impossible); // only a resumption loses the session
        }
    }

    /** As {@link #relay(UpstreamResponse, JsonNode, Consumer, Consumer)}, resuming an event stream with {@code resumption} (null: never). */
    boolean relay(UpstreamResponse r, JsonNode id, Consumer<JsonNode> answer, Consumer<JsonNode> others,
                  Resumption resumption) throws SessionLostException {
        int status = r.status();
        String type = r.contentType();
        if (status == 202 || status == 204) {
            r.discard();
            return false;
        }
        if (status / 100 == 2 && type.equals(ProtocolNames.EVENT_STREAM)) {
            return readEventStream(r, id, answer, others, resumption);
        }
        if (type.contains("json")) {
            JsonNode body = readJson(r);
            if (status / 100 == 2 || isErrorFor(body, id)) {
                JsonNode found = pick(body, id, others);
                if (found != null) {
                    answer.accept(found);
                }
                return found != null;
            }
            throw httpError(status, errorMessageOf(body));
        }
        String hint = type.equals("text/html") ? "an HTML page (a proxy or captive portal?)"
                : type.isEmpty() ? "no content type" : "content type " + type;
        r.discard();
        throw httpError(status, hint);
    }

    /** Reads a whole event stream (the GET stream) and hands every message to {@code sink}. */
    String pump(InputStream body, String lastEventId, Consumer<JsonNode> sink) throws IOException {
        try (SseReader sse = new SseReader(body)) {
            SseReader.Event e;
            while ((e = nextWithinLimit(sse)) != null) {
                if (e.id() != null) {
                    lastEventId = e.id();
                }
                forEachMessage(e.data(), sink);
            }
        }
        return lastEventId;
    }

    /** The next event; one over the message limit is skipped with a warning (the stream goes on). */
    static SseReader.Event nextWithinLimit(SseReader sse) throws IOException {
        while (true) {
            try {
                return sse.next();
            } catch (MessageTooLargeException big) {
                LOG.warn("dropping a message from the server: {}", big.getMessage());
            }
        }
    }

    /** What the event streams of one request have given so far. */
    private static final class StreamState {
        boolean found;
        boolean tooLarge;
        boolean newEvent;
        String lastEventId;
        long retryMillis = -1;
    }

    private boolean readEventStream(UpstreamResponse first, JsonNode id, Consumer<JsonNode> answer,
                                    Consumer<JsonNode> others, Resumption resumption) throws SessionLostException {
        StreamState state = new StreamState();
        UpstreamResponse r = first;
        int resumptions = 0;
        while (true) {
            // the POST stream is read to its end (returns the connection); a resumed GET stream never ends by itself
            IOException broke = read(r, id, answer, others, state, r != first);
            if (state.found) {
                return true;
            }
            resumptions = state.newEvent ? 1 : resumptions + 1;
            state.newEvent = false;
            if (resumption == null || state.lastEventId == null || resumptions > MAX_RESUMPTIONS) {
                if (broke != null) {
                    throw upstream.unavailable("the event stream broke before the answer (" + broke.getMessage() + ")", broke);
                }
                break;
            }
            long delay = state.retryMillis < 0 ? DEFAULT_RETRY_MILLIS : Math.min(state.retryMillis, MAX_RETRY_MILLIS);
            LOG.debug("event stream ended before the answer: resuming after event {} in {} ms", state.lastEventId, delay);
            try {
                Thread.sleep(delay); // the server's reconnection time (SSE "retry"): not a poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = resumption.after(state.lastEventId);
            if (r.status() != 200 || !r.contentType().equals(ProtocolNames.EVENT_STREAM)) {
                LOG.debug("resuming the event stream: HTTP {} {}", r.status(), r.contentType());
                r.discard();
                break;
            }
        }
        if (state.tooLarge) {
            throw new BridgeException(Reason.INTERNAL, MessageLimit.tooLarge("the answer of the MCP server at " + upstream.endpoint()));
        }
        return false;
    }

    /** Reads one event stream into {@code state}; returns the failure that broke it, null at its end. */
    private IOException read(UpstreamResponse r, JsonNode id, Consumer<JsonNode> answer, Consumer<JsonNode> others,
                             StreamState state, boolean stopAtAnswer) {
        SseReader sse = null;
        try {
            sse = new SseReader(r.body());
            while (true) {
                SseReader.Event e;
                try {
                    e = sse.next();
                } catch (MessageTooLargeException big) {
                    state.tooLarge = true; // the answer, unless it comes later
                    continue;
                }
                if (e == null) {
                    return null;
                }
                if (e.id() != null) {
                    state.lastEventId = e.id();
                    state.newEvent = true;
                }
                forEachMessage(e.data(), m -> {
                    if (!state.found && JsonRpc.isResponse(m) && JsonRpc.sameId(m.get("id"), id)) {
                        state.found = true;
                        answer.accept(m);
                    } else {
                        others.accept(m);
                    }
                });
                if (stopAtAnswer && state.found) {
                    r.abort();
                    return null;
                }
            }
        } catch (IOException e) {
            r.abort();
            return e;
        } finally {
            if (sse != null && sse.retryMillis() >= 0) {
                state.retryMillis = sse.retryMillis();
            }
        }
    }

    private void forEachMessage(String data, Consumer<JsonNode> sink) {
        if (data == null || data.isBlank()) {
            return; // priming events (id only) and keep-alives
        }
        JsonNode node = JsonRpc.eventData(mapper, data);
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(sink);
        } else {
            sink.accept(node);
        }
    }

    private JsonNode pick(JsonNode body, JsonNode id, Consumer<JsonNode> others) {
        JsonNode found = null;
        for (JsonNode m : body.isArray() ? body : java.util.List.of(body)) {
            if (found == null && JsonRpc.isResponse(m) && JsonRpc.sameId(m.get("id"), id)) {
                found = m;
            } else {
                others.accept(m);
            }
        }
        return found;
    }

    private JsonNode readJson(UpstreamResponse r) {
        try {
            return mapper.readTree(r.body()); // closes the body at its end: the connection goes back to the pool
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            r.abort(); // not read on: the rest is dropped with the connection
            throw new BridgeException(Reason.INTERNAL, MessageLimit.tooLarge("the answer of the MCP server at " + upstream.endpoint()), e);
        } catch (IOException e) {
            r.abort();
            throw new BridgeException(r.status() / 100 == 5 ? Reason.UPSTREAM_UNAVAILABLE : Reason.INTERNAL,
                    "MCP server answered HTTP " + r.status() + " with a body that is not valid JSON", e);
        }
    }

    private static boolean isErrorFor(JsonNode body, JsonNode id) {
        return body != null && body.has("error") && JsonRpc.sameId(body.get("id"), id);
    }

    private static String errorMessageOf(JsonNode body) {
        String message = body == null ? "" : body.path("error").path("message").asText("");
        return message.isEmpty() ? "a JSON body" : "\"" + truncate(message) + "\"";
    }

    private static String truncate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private BridgeException httpError(int status, String what) {
        Reason reason = status / 100 == 5 || status == 429 ? Reason.UPSTREAM_UNAVAILABLE : Reason.INTERNAL;
        return new BridgeException(reason, "MCP server at " + upstream.endpoint() + " answered HTTP " + status
                + " with " + what);
    }
}
