package dev.xaa4j.connector.internal.signin;

import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback redirect receiver of a native app (RFC 8252 §7.3): listens on 127.0.0.1 (and {@code ::1} for a
 * {@code localhost} redirect URI, see {@link LoopbackListeners}) on an ephemeral port, answers exactly one valid
 * {@code GET /callback}, then closes; {@link #redirectUri()} is {@code http://{host}:{port}/callback}. A callback
 * that does not {@code belong} to this flow (e.g. an unknown {@code state}) gets a 400 page and is otherwise
 * ignored; the first one that belongs is handed to the flow's {@code complete} function, whose value completes
 * {@link #result()} (a {@link ConnectorException} fails it). After {@code timeout} (default 5 min) the result fails
 * with {@link ConnectorException.Kind#SIGN_IN_FAILED}; completing or cancelling the result closes the port first.
 * The query (code, state) is never logged. Thread-safe.
 *
 * @param <T> what a completed callback yields
 */
public final class LoopbackReceiver<T> {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackReceiver.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa4j-signin-timer"));

    private final Predicate<Map<String, List<String>>> belongs;
    private final Function<Map<String, List<String>>, T> complete;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<HttpServer> servers;
    private final ExecutorService executor;
    private final URI redirectUri;

    private LoopbackReceiver(String host, Predicate<Map<String, List<String>>> belongs,
                             Function<Map<String, List<String>>, T> complete) {
        this.belongs = belongs;
        this.complete = complete;
        servers = LoopbackListeners.bind(host.equals("localhost"));
        executor = Executors.newSingleThreadExecutor(r -> DaemonThreads.newThread(r, "xaa4j-signin-callback-" + THREADS.incrementAndGet()));
        for (HttpServer server : servers) {
            server.setExecutor(executor);
            server.createContext("/", this::handle);
        }
        redirectUri = URI.create("http://" + host + ":" + servers.get(0).getAddress().getPort() + "/callback");
    }

    /**
     * Binds and starts the listener.
     *
     * @param host     {@code 127.0.0.1} or {@code localhost}
     * @param timeout  how long to wait for the browser ({@code null} = 5 min)
     * @param belongs  whether a callback's query parameters belong to this flow (e.g. its {@code state} matches)
     * @param complete turns the first callback that belongs into the result; runs on the listener's thread
     * @throws ConnectorException ({@link ConnectorException.Kind#SIGN_IN_FAILED}) when no loopback port opens
     */
    public static <T> LoopbackReceiver<T> open(String host, Duration timeout, Predicate<Map<String, List<String>>> belongs,
                                               Function<Map<String, List<String>>, T> complete) {
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            throw new IllegalArgumentException("redirectHost must be 127.0.0.1 or localhost, got " + host);
        }
        LoopbackReceiver<T> receiver = new LoopbackReceiver<>(host, belongs, complete);
        receiver.start(timeout == null ? Duration.ofMinutes(5) : timeout);
        return receiver;
    }

    private void start(Duration timeout) {
        servers.forEach(HttpServer::start);
        result.whenComplete((r, e) -> close());
        ScheduledFuture<?> timer = TIMERS.schedule(() -> {
            close(); // before completing: a caller woken by the failure finds the port already free
            result.completeExceptionally(new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED,
                    "Sign-in was not completed within " + human(timeout) + ". Start it again when you are ready."));
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timer.cancel(false));
    }

    /** {@code http://{host}:{port}/callback}. */
    public URI redirectUri() {
        return redirectUri;
    }

    /** Completes with the callback's value; cancel it to stop waiting (closes the port). */
    public CompletableFuture<T> result() {
        return result;
    }

    /** Closes the listening socket first (the port is free when this returns), then the connections. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        servers.forEach(server -> server.stop(0));
        executor.shutdown();
        LOG.debug("Closed the sign-in listener on port {}", redirectUri.getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        Runnable finish = null;
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) || !"/callback".equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, "Not found", "This address only receives the sign-in result.");
                return;
            }
            Map<String, List<String>> params = URLUtils.parseParameters(ex.getRequestURI().getRawQuery());
            if (!belongs.test(params)) {
                respond(ex, 400, "Not this sign-in", "This response does not belong to the sign-in in progress "
                        + "(an old browser tab?). Finish the sign-in in the newest tab.");
                return;
            }
            if (!answered.compareAndSet(false, true)) {
                respond(ex, 409, "Already handled", "This sign-in has already been completed. You can close this tab.");
                return;
            }
            try {
                T value = complete.apply(params);
                respond(ex, 200, "You are signed in", "You are signed in — you can close this tab and return to your application.");
                finish = () -> result.complete(value);
            } catch (ConnectorException failure) {
                respond(ex, 400, "Sign-in failed", failure.getMessage());
                finish = () -> result.completeExceptionally(failure);
            } catch (RuntimeException bug) {
                respond(ex, 500, "Sign-in failed", "Something went wrong while finishing the sign-in. Please try again.");
                ConnectorException failure = new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "Finishing the sign-in failed unexpectedly: "
                        + bug.getClass().getSimpleName(), bug);
                finish = () -> result.completeExceptionally(failure);
            }
        }
        if (finish != null) {
            // The page has been sent and the exchange closed: free the port before anyone waiting on the
            // result wakes up, so "signed in" never coexists with a listening callback port.
            close();
            finish.run();
        }
    }

    private static void respond(HttpExchange ex, int status, String title, String message) throws IOException {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:36em;color:#222}"
                + "h1{font-size:1.4em}</style></head><body><h1>" + escape(title) + "</h1><p>" + escape(message)
                + "</p></body></html>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String human(Duration d) {
        return d.toMinutes() >= 1 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }
}
