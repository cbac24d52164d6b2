package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.bridge.proxy.BridgeSettings;
import dev.xaa4j.bridge.proxy.StdioBridge;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a {@link StdioBridge} in-process with its stdin and stdout on pipes, as an AI client would see it.
 * Every stdout line must parse as one JSON object, or the test fails.
 */
final class BridgeHarness implements AutoCloseable {

    /** Reads messages of any size the bridge may pass (Jackson's default string limit is 20,000,000 chars). */
    static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build());

    private final Pipe stdin;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    final List<String> rawLines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> exit;

    BridgeHarness(BridgeSettings settings, UpstreamAuth auth) throws IOException {
        this(settings, auth, dev.xaa4j.bridge.proxy.InitializeCache.disabled());
    }

    BridgeHarness(BridgeSettings settings, UpstreamAuth auth, dev.xaa4j.bridge.proxy.InitializeCache cache) throws IOException {
        stdin = Pipe.open();
        StdioBridge bridge = new StdioBridge(settings, auth, cache, new LineSplitter(), "test");
        exit = CompletableFuture.supplyAsync(() -> bridge.run(Channels.newInputStream(stdin.source())));
    }

    static BridgeSettings fast(String server, java.net.URI endpoint) {
        return BridgeSettings.defaults(server, endpoint).withRequestTimeout(Duration.ofSeconds(20));
    }

    void send(String line) {
        try {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                stdin.sink().write(b);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void send(JsonNode message) {
        try {
            send(JSON.writeValueAsString(message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String initialize(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{\"sampling\":{},\"elicitation\":{},\"roots\":{\"listChanged\":true}},"
                + "\"clientInfo\":{\"name\":\"harness\",\"version\":\"1\"}}}";
    }

    static String initialized() {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    }

    static String call(int id, String tool, String argumentsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argumentsJson + "}}";
    }

    static String request(int id, String method) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\"}";
    }

    /**
     * Initializes, sends notifications/initialized and waits for a ping round trip (so the notification has
     * been delivered upstream); returns the initialize response.
     */
    JsonNode handshake() {
        send(initialize(1));
        JsonNode r = awaitResponse(1, Duration.ofSeconds(5));
        send(initialized());
        send(request(1000, "ping"));
        awaitResponse(1000, Duration.ofSeconds(5));
        return r;
    }

    JsonNode next(Duration max) {
        try {
            JsonNode m = lines.poll(max.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                fail("no message on stdout within " + max + "; so far: " + rawLines);
            }
            return m;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next stdout message matching {@code p}, skipping others. */
    JsonNode await(Predicate<JsonNode> p, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no matching message within " + max + "; stdout so far: " + rawLines);
            }
            JsonNode m = next(Duration.ofNanos(left));
            if (p.test(m)) {
                return m;
            }
        }
    }

    JsonNode awaitResponse(int id, Duration max) {
        return await(m -> !m.has("method") && m.path("id").isInt() && m.path("id").asInt() == id, max);
    }

    JsonNode awaitRequest(String method, Duration max) {
        return await(m -> method.equals(m.path("method").asText()) && m.has("id"), max);
    }

    /** Closes stdin; returns the bridge's exit code. */
    int closeStdin(Duration max) throws Exception {
        stdin.sink().close();
        return exit.get(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean running() {
        return !exit.isDone();
    }

    @Override
    public void close() throws Exception {
        if (stdin.sink().isOpen()) {
            stdin.sink().close();
        }
        exit.get(15, TimeUnit.SECONDS);
    }

    /** stdout: splits lines, requires each to be one JSON object. */
    private final class LineSplitter extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) throws IOException {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                line.reset();
                rawLines.add(s);
                JsonNode m = JSON.readTree(s);
                assertThat(m.isObject()).as("stdout line is a JSON object: %s", s).isTrue();
                assertThat(m.path("jsonrpc").asText()).as("jsonrpc 2.0: %s", s).isEqualTo("2.0");
                lines.add(m);
            } else {
                line.write(b);
            }
        }
    }

    /**
     * Runs {@code xaa bridge} as the child process {@code pb} describes: writes initialize, initialized and one
     * {@code echo} call with {@code text} to its stdin, returns the two answers (initialize's, the call's) and
     * waits at most {@code exit} for it to end once stdin is closed. The process is reaped after the class
     * whatever happens ({@link Processes#start}).
     */
    static List<JsonNode> echoThroughProcess(ProcessBuilder pb, String text, Duration exit) throws Exception {
        Process p = Processes.start(pb);
        List<JsonNode> answers = new java.util.ArrayList<>();
        try (OutputStream in = p.getOutputStream();
             java.io.BufferedReader out = new java.io.BufferedReader(
                     new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.write((initialize(1) + "\n" + initialized() + "\n" + call(2, "echo", "{\"text\":\"" + text + "\"}") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            while (answers.size() < 2) {
                String line = out.readLine();
                assertThat(line).as("the bridge answers both requests").isNotNull();
                JsonNode m = JSON.readTree(line);
                if (m.has("id")) {
                    answers.add(m);
                }
            }
        }
        assertThat(p.waitFor(exit.toMillis(), TimeUnit.MILLISECONDS)).as("the bridge exits at the end of stdin").isTrue();
        return answers;
    }
}
