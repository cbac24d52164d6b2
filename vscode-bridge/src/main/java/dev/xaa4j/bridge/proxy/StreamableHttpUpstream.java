package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP half of the bridge: one MCP server's Streamable HTTP endpoint (MCP 2025-06-18 / 2025-11-25
 * "Transports" §Streamable HTTP). Owns the {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} headers and
 * the authorization rules of PROTOCOL.md §1 step 4 and §5:
 * <ul>
 *   <li>every request carries a fresh {@code Authorization} from {@link UpstreamAuth};</li>
 *   <li>401 → {@link UpstreamAuth#unauthorized} and one replay;</li>
 *   <li>403 {@code insufficient_scope} → {@link UpstreamAuth#stepUp} with the challenged scope and one replay;</li>
 *   <li>404 while a session id was sent → {@link SessionLostException} (the caller re-initializes).</li>
 * </ul>
 * Transport failures become {@link BridgeException}s; tokens never appear in messages or logs.
 */
final class StreamableHttpUpstream {

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpUpstream.class);
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String PROTOCOL_HEADER = "MCP-Protocol-Version";

    private final String server;
    private final URI endpoint;
    private final UpstreamAuth auth;
    /** Built on a thread of its own: the JDK client sets up TLS eagerly (~0.1 s), off the path to the first answer. */
    private final java.util.concurrent.CompletableFuture<HttpClient> http;
    private final ObjectMapper mapper;
    private volatile String sessionId;
    private volatile String protocolVersion;

    StreamableHttpUpstream(String server, URI endpoint, UpstreamAuth auth, Duration connectTimeout, ObjectMapper mapper) {
        this.server = server;
        this.endpoint = endpoint;
        this.auth = auth;
        this.mapper = mapper;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (Boolean.getBoolean("xaa.directExecutor")) {
            builder.executor(Runnable::run);
        }
        this.http = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                http.complete(builder.build());
            } catch (RuntimeException | Error e) {
                http.completeExceptionally(e);
            }
        }, "xaa-http-init");
        t.setDaemon(true);
        t.start();
    }

    URI endpoint() {
        return endpoint;
    }

    Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /** Forget the session: the next POST (an initialize) starts a new one. */
    void resetSession() {
        sessionId = null;
        protocolVersion = null;
    }

    /** Record what the server's initialize response established. */
    void sessionEstablished(HttpResponse<?> initializeResponse, String negotiatedVersion) {
        sessionId = initializeResponse.headers().firstValue(SESSION_HEADER).orElse(null);
        protocolVersion = negotiatedVersion;
    }

    /**
     * POSTs one JSON-RPC message and returns the response once its status is final for auth purposes: the
     * caller reads the body (JSON or SSE) or the status (202, errors).
     */
    HttpResponse<InputStream> post(JsonNode message, Duration timeout) throws SessionLostException {
        return post(endpoint, message, timeout);
    }

    /** POSTs to {@code target} (the HTTP+SSE transport's message endpoint) with the same rules. */
    HttpResponse<InputStream> post(URI target, JsonNode message, Duration timeout) throws SessionLostException {
        String body;
        try {
            body = mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new BridgeException(Reason.INTERNAL, "cannot serialize a JSON-RPC message", e);
        }
        return exchange(() -> HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "POST");
    }

    /** Opens the GET stream for server-initiated messages (405 = the server offers none). */
    HttpResponse<InputStream> openEventStream(String lastEventId) throws SessionLostException {
        return exchange(() -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                    .header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            return b;
        }, "GET");
    }

    /** Ends the session on the server (HTTP DELETE); best effort, never throws. */
    void deleteSession(Duration timeout) {
        String id = sessionId;
        if (id == null) {
            return;
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout).DELETE();
            decorate(b);
            HttpResponse<Void> r = http.join().send(b.build(), HttpResponse.BodyHandlers.discarding());
            LOG.debug("DELETE session: HTTP {}", r.statusCode());
        } catch (IOException | RuntimeException e) {
            LOG.debug("DELETE session failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface RequestFactory {
        HttpRequest.Builder create();
    }

    private HttpResponse<InputStream> exchange(RequestFactory factory, String verb) throws SessionLostException {
        boolean renewed = false;
        boolean steppedUp = false;
        while (true) {
            HttpRequest.Builder b = factory.create();
            boolean hadSession = decorate(b);
            HttpResponse<InputStream> r = send(b.build());
            int status = r.statusCode();
            if (status == 401) {
                discard(r);
                if (renewed) {
                    throw new BridgeException(Reason.ACCESS_DENIED, "MCP server '" + server
                            + "' rejected a freshly renewed access token (HTTP 401). Your access may have been revoked;"
                            + " run `xaa doctor " + server + "` for details");
                }
                LOG.info("{} {}: HTTP 401, renewing the access token and replaying once", verb, server);
                auth.unauthorized(server);
                renewed = true;
                continue;
            }
            if (status == 403) {
                Optional<BearerChallenge> challenge = BearerChallenge.parse(
                        r.headers().firstValue("WWW-Authenticate").orElse(null));
                discard(r);
                Optional<String> scope = challenge.filter(c -> c.error().filter("insufficient_scope"::equals).isPresent())
                        .flatMap(BearerChallenge::scope);
                if (scope.isPresent() && !steppedUp) {
                    LOG.info("{} {}: HTTP 403 insufficient_scope, asking for scope '{}' and replaying once", verb, server, scope.get());
                    steppedUp = true;
                    if (auth.stepUp(server, scope.get())) {
                        continue;
                    }
                }
                throw new BridgeException(Reason.ACCESS_DENIED, "MCP server '" + server + "' refused access (HTTP 403"
                        + scope.map(s -> ", it needs scope '" + s + "'").orElse("")
                        + "). Ask your administrator for access");
            }
            if (status == 404 && hadSession) {
                discard(r);
                throw new SessionLostException();
            }
            return r;
        }
    }

    /** Adds authorization and session headers; returns whether a session id was sent. */
    private boolean decorate(HttpRequest.Builder b) {
        String authorization = auth.authorization(server).orElseThrow(BridgeException::signInRequired);
        if (!authorization.isEmpty()) {
            b.header("Authorization", authorization);
        }
        String id = sessionId;
        if (id != null) {
            b.header(SESSION_HEADER, id);
        }
        String version = protocolVersion;
        if (version != null) {
            b.header(PROTOCOL_HEADER, version);
        }
        return id != null;
    }

    private HttpResponse<InputStream> send(HttpRequest request) {
        try {
            return http.join().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw unavailable("connection timed out", e);
        } catch (HttpTimeoutException e) {
            throw unavailable("no answer in time", e);
        } catch (ConnectException e) {
            throw unavailable("connection refused", e);
        } catch (IOException e) {
            throw unavailable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        }
    }

    BridgeException unavailable(String what, Throwable cause) {
        return new BridgeException(Reason.UPSTREAM_UNAVAILABLE,
                "MCP server '" + server + "' is unreachable (" + endpoint + "): " + what, cause);
    }

    static void discard(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }
}
