package dev.xaa4j.connector.fuzz;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP server on 127.0.0.1 that answers each path with whatever the current fuzz input says, so a fuzz
 * target reaches a parser through the real HTTP client of the code under test. Cheap per request (no
 * queue, no recording); unknown paths answer 404. One instance per fuzz test class; thread-safe.
 */
public final class LoopbackStub implements AutoCloseable {

    /** One canned answer: status, headers (name → values), UTF-8 body. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", List.of("application/json")), body);
        }
    }

    static {
        // The JDK server writes headers and body separately: without TCP_NODELAY each keep-alive answer waits
        // out a delayed ACK (~40 ms), which caps a fuzz target at a few executions per second.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    public LoopbackStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT} (no trailing slash). */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI url(String path) {
        return URI.create(base() + path);
    }

    public void answer(String path, Answer answer) {
        answers.put(path, answer);
    }

    public void clear() {
        answers.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Answer a = answers.getOrDefault(exchange.getRequestURI().getRawPath(),
                    new Answer(404, Map.of(), "not found"));
            a.headers().forEach((name, values) -> values.forEach(v -> exchange.getResponseHeaders().add(name, v)));
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            int status = a.status() < 100 || a.status() > 599 ? 500 : a.status();
            exchange.sendResponseHeaders(status, status == 204 || status == 304 || status < 200 ? -1 : body.length == 0 ? -1 : body.length);
            if (body.length > 0 && status >= 200 && status != 204 && status != 304) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
