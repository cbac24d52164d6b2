package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The first answer of {@code xaa bridge}, given while the rest of the process is still starting. AI clients
 * launch the bridge on every start and send {@code initialize} at once; the command line, the engine and the
 * HTTP client take a JVM a few hundred milliseconds to set up, most of it class loading. This thread reads the
 * first stdin line, and when it is an {@code initialize} for a server whose last answer is in the
 * {@link InitializeCache}, writes that answer straight away. {@link StdioBridge} then adopts the outcome: it
 * connects upstream with the client's request, compares the real answer, and handles the line itself when
 * nothing was answered here (a malformed line, another method, an empty cache).
 *
 * <p>Only the first line is read, byte by byte, so everything after it stays in {@code stdin} for the bridge.
 * Nothing is written unless the answer is complete; a failure here costs the fast start and nothing else.
 */
public final class EarlyInitialize {

    /**
     * What happened to the first line.
     *
     * @param firstLine the line (null: stdin ended or failed before one arrived); its text is null when it
     *                  was longer than {@link MessageLimit}
     * @param request   the parsed initialize request when it was answered here, else null
     * @param endpoint  the endpoint whose cached answer was used, else null
     * @param answer    the InitializeResult given to the client, else null
     */
    record Outcome(LineReader.Line firstLine, JsonNode request, URI endpoint, JsonNode answer) {
        boolean answered() {
            return answer != null;
        }
    }

    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<InitializeCache> cache = new CompletableFuture<>();
    private final OutputStream stdout;

    private EarlyInitialize(OutputStream stdout) {
        this.stdout = stdout;
    }

    /**
     * Starts the reader thread.
     *
     * @param endpoint resolves the server the bridge is for (reads the user's config); empty or a failure means
     *                 no early answer
     * @param cache    builds the cache (on the new thread: its JSON mapper is a good part of the start-up time)
     * @param stdout   the JSON-RPC channel; the bridge must write through the same stream afterwards
     */
    public static EarlyInitialize start(Supplier<Optional<URI>> endpoint, Supplier<InitializeCache> cache,
                                        InputStream stdin, OutputStream stdout) {
        EarlyInitialize early = new EarlyInitialize(stdout);
        DaemonThreads.start(() -> {
            try {
                early.cache.complete(cache.get());
            } catch (RuntimeException | Error e) {
                early.cache.complete(InitializeCache.disabled());
            }
            early.run(endpoint, stdin);
        }, "xaa-early-initialize");
        return early;
    }

    /** The cache the early answer came from, for the bridge to keep up to date. */
    public InitializeCache cache() {
        return cache.join();
    }

    public OutputStream stdout() {
        return stdout;
    }

    /**
     * Waits up to {@code max} for the first line to be handled: on two cores, loading the rest of the bridge
     * while the answer is being written slows the answer more than it gains.
     */
    public void settle(java.time.Duration max) {
        try {
            outcome.get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // go on; the bridge waits for the outcome itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the first line (as long as the client takes to send it). */
    Outcome await() {
        return outcome.join();
    }

    private void run(Supplier<Optional<URI>> endpoint, InputStream stdin) {
        LineReader.Line line;
        try {
            // one byte at a time: everything after the first line stays in stdin for the bridge
            line = new LineReader(stdin, MessageLimit.MAX_BYTES, 1, false).next();
        } catch (IOException | RuntimeException e) {
            outcome.complete(new Outcome(null, null, null, null));
            return;
        }
        try {
            outcome.complete(answer(line, endpoint));
        } catch (RuntimeException | Error e) {
            outcome.complete(new Outcome(line, null, null, null));
        }
    }

    private Outcome answer(LineReader.Line line, Supplier<Optional<URI>> endpoint) {
        Outcome unanswered = new Outcome(line, null, null, null);
        InitializeCache cache = this.cache.join();
        if (line == null || line.tooLong() || !cache.enabled()) {
            return unanswered;
        }
        ObjectMapper mapper = MessageLimit.mapper(); // one mapper reads the request and writes the answer
        JsonNode request;
        try {
            request = mapper.readTree(line.text());
        } catch (IOException e) {
            return unanswered; // the bridge answers -32700
        }
        if (JsonRpc.invalid(request) != null || !JsonRpc.isRequest(request) || !"initialize".equals(JsonRpc.method(request))) {
            return unanswered;
        }
        Optional<URI> server = endpoint.get();
        if (server.isEmpty()) {
            return unanswered;
        }
        String requested = request.path("params").path("protocolVersion").asText("");
        Optional<com.fasterxml.jackson.databind.node.ObjectNode> cached = cache.lookup(server.get(), requested);
        if (cached.isEmpty()) {
            return unanswered;
        }
        new JsonRpcWriter(stdout, mapper).write(JsonRpc.result(request.get("id"), cached.get()));
        return new Outcome(line, request, server.get(), cached.get());
    }
}
