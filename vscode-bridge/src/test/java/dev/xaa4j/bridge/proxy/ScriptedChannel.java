package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * An in-memory {@link UpstreamChannel} for the state machine's tests: each {@code initialize}, {@code request}
 * and {@code listen} takes the next scripted outcome (the last one repeats); everything sent is recorded.
 */
final class ScriptedChannel implements UpstreamChannel {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What one call does: return a value or throw. */
    interface Outcome<T> {
        T run(JsonNode message) throws Exception;
    }

    final List<ObjectNode> initializes = new CopyOnWriteArrayList<>();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    final BlockingQueue<Boolean> listens = new LinkedBlockingQueue<>();
    volatile boolean closed;
    private final List<Outcome<JsonNode>> initializeScript = new CopyOnWriteArrayList<>();
    private final List<Outcome<Boolean>> requestScript = new CopyOnWriteArrayList<>();
    private final List<Boolean> listenScript = new CopyOnWriteArrayList<>(List.of(false));

    ScriptedChannel onInitialize(Outcome<JsonNode> outcome) {
        initializeScript.add(outcome);
        return this;
    }

    ScriptedChannel onRequest(Outcome<Boolean> outcome) {
        requestScript.add(outcome);
        return this;
    }

    /** What the listen of the n-th session returns (true: its stream found the session gone). */
    ScriptedChannel onListen(boolean... lost) {
        listenScript.clear();
        for (boolean b : lost) {
            listenScript.add(b);
        }
        return this;
    }

    static Outcome<JsonNode> answers(String resultJson) {
        return init -> JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":" + JSON.writeValueAsString(init.get("id"))
                + ",\"result\":" + resultJson + "}");
    }

    static Outcome<JsonNode> refuses(String message) {
        return init -> JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":" + JSON.writeValueAsString(init.get("id"))
                + ",\"error\":{\"code\":-32602,\"message\":\"" + message + "\"}}");
    }

    static Outcome<JsonNode> fails(RuntimeException e) {
        return init -> {
            throw e;
        };
    }

    static <T> Outcome<T> sessionLost() {
        return m -> {
            throw new SessionLostException();
        };
    }

    private static <T> T next(List<Outcome<T>> script, int call, JsonNode message) throws Exception {
        return script.get(Math.min(call, script.size() - 1)).run(message);
    }

    @Override
    public JsonNode initialize(ObjectNode request, Duration timeout) {
        int call = initializes.size();
        initializes.add(request);
        try {
            return next(initializeScript, call, request);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean request(JsonNode request, Duration timeout, Runnable onSent, Runnable onTaken)
            throws SessionLostException {
        int call = requests.size();
        requests.add(request);
        try {
            onSent.run();
            onTaken.run();
            return next(requestScript, call, request);
        } catch (SessionLostException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void send(JsonNode message) {
        sent.add(message);
    }

    @Override
    public boolean listen(BooleanSupplier current) {
        boolean lost = listenScript.get(Math.min(listens.size(), listenScript.size() - 1));
        listens.add(lost);
        return lost;
    }

    @Override
    public Optional<String> sessionId() {
        return Optional.empty();
    }

    @Override
    public void close() {
        closed = true;
    }

    /** What the bridge wrote to the client, one message per line. */
    static final class ClientOut {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final JsonRpcWriter writer = new JsonRpcWriter(bytes, JSON);

        List<JsonNode> messages() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            String all;
            synchronized (writer) {
                all = bytes.toString(StandardCharsets.UTF_8);
            }
            for (String line : all.split("\n")) {
                if (!line.isEmpty()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        }

        List<String> methods() throws IOException {
            return messages().stream().filter(m -> m.has("method")).map(m -> m.get("method").asText()).toList();
        }
    }

    static BridgeSettings settings() {
        return BridgeSettings.defaults("notes", URI.create("http://127.0.0.1:9/mcp"));
    }

    static JsonNode clientInitialize(int id) throws IOException {
        return JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    }

    static JsonNode message(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
