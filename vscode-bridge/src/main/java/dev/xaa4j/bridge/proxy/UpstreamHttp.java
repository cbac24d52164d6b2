package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.internal.dpop.DPoPNonces;
import dev.xaa4j.connector.internal.ProtocolNames;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.internal.http.Challenge;
import dev.xaa4j.connector.internal.http.Network;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorized HTTP client of one MCP server, shared by both transports ({@link StreamableHttpUpstream},
 * {@link LegacySseChannel}). Owns the authorization rules of docs/protocol.md §1 step 4 and §5:
 * <ul>
 *   <li>every request carries a fresh {@code Authorization} from {@link UpstreamAuth};</li>
 *   <li>a DPoP-bound token goes as {@code Authorization: DPoP …} with a fresh {@code DPoP} proof for each request
 *       sent, carrying the origin's latest {@code DPoP-Nonce} (RFC 9449 §7.1, §9);</li>
 *   <li>401 {@code DPoP error="use_dpop_nonce"} with a {@code DPoP-Nonce} → one replay with a proof carrying
 *       it (not a renewal);</li>
 *   <li>401 → {@link UpstreamAuth#unauthorized} and one replay;</li>
 *   <li>403 {@code insufficient_scope} → {@link UpstreamAuth#stepUp} with the challenged scope and one replay.</li>
 * </ul>
 * Transport failures become {@link BridgeException}s; tokens never appear in messages or logs. The transports
 * add their own headers (the session headers of Streamable HTTP) through the request factories they pass in.
 *
 * <p>HTTP/1.1 through Apache HttpClient's classic (blocking) API: each request is written and its answer read
 * on the calling thread, so a {@code tools/call} costs no hand-offs between threads inside the bridge (the MCP
 * SDK's transport on the JDK client's selector and executor threads costs 0.6–0.8 ms more per call here:
 * docs/architecture.md "Why the bridge has its own transport"). Connections are pooled; a response is read to its end to return its connection, and
 * event streams that may never end are aborted instead ({@link UpstreamResponse}). Thread-safe.
 */
final class UpstreamHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHttp.class);
    /** Cancels requests whose response has not started in time ({@link #exchange} with a time to start); one daemon thread. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.newThread(r, "xaa-request-timeout"));
    /** RFC 9449 §7.1: the proof header and the authorization scheme. */
    static final String DPOP = "DPoP";
    /** Concurrent requests per server (a client may run many tool calls at once, plus the GET stream). */
    private static final int MAX_CONNECTIONS = 64;

    private final String server;
    private final URI endpoint;
    private final UpstreamAuth auth;
    /** Built on a thread of its own: TLS set-up takes ~0.1 s, off the path to the first answer. */
    private final CompletableFuture<CloseableHttpClient> http = new CompletableFuture<>();
    private final ObjectMapper mapper;
    /** The latest {@code DPoP-Nonce} per origin, from any response (RFC 9449 §9): the process-wide cache. */
    private final DPoPNonces nonces = DPoPNonces.shared();

    UpstreamHttp(String server, URI endpoint, UpstreamAuth auth, Duration connectTimeout, ObjectMapper mapper) {
        this.server = server;
        this.endpoint = endpoint;
        this.auth = auth;
        this.mapper = mapper;
        DaemonThreads.start(() -> {
            try {
                Network network = Network.system(); // HTTPS_PROXY/HTTP_PROXY/NO_PROXY, Java properties, XAA_CA_BUNDLE
                PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(network.sslContext()))
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .build())
                        .build();
                http.complete(HttpClients.custom()
                        .setConnectionManager(pool)
                        .setRoutePlanner(new SystemDefaultRoutePlanner(network.proxySelector())) // https: CONNECT
                        .setRetryStrategy(new StaleConnectionRetry(pool))
                        .disableRedirectHandling()
                        .disableCookieManagement()
                        .disableContentCompression()
                        .build());
            } catch (RuntimeException | Error e) {
                http.completeExceptionally(e);
            }
        }, "xaa-http-init");
    }

    URI endpoint() {
        return endpoint;
    }

    String server() {
        return server;
    }

    /**
     * A POST of one JSON-RPC message to {@code target}. {@code responseTimeout}: how long the server may stay
     * silent while answering (null: no limit). {@code onSent} runs once the message has been written to the
     * connection (every time it is, so it may run more than once).
     */
    HttpPost newPost(URI target, JsonNode message, Duration responseTimeout, Runnable onSent) {
        return newPost(target, serialize(message), responseTimeout, onSent);
    }

    /** The same, for a message serialized once and posted again on a replay. */
    HttpPost newPost(URI target, byte[] body, Duration responseTimeout, Runnable onSent) {
        HttpPost post = new HttpPost(target);
        post.setConfig(RequestConfig.custom()
                .setResponseTimeout(responseTimeout == null ? Timeout.DISABLED : Timeout.of(responseTimeout)).build());
        post.setHeader("Accept", "application/json, text/event-stream");
        post.setEntity(new SentSignal(new ByteArrayEntity(body, ContentType.APPLICATION_JSON), onSent));
        return post;
    }

    /** A GET that opens an event stream ({@code lastEventId}: null, or where to resume); no read timeout. */
    HttpGet newEventStreamGet(URI target, String lastEventId) {
        HttpGet get = new HttpGet(target);
        get.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.DISABLED).build());
        get.setHeader("Accept", ProtocolNames.EVENT_STREAM);
        if (lastEventId != null) {
            get.setHeader("Last-Event-ID", lastEventId);
        }
        return get;
    }

    byte[] serialize(JsonNode message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new BridgeException(Reason.INTERNAL, "cannot serialize a JSON-RPC message", e);
        }
    }

    /** A request body that says when it has been written and flushed to the connection. */
    private static final class SentSignal extends org.apache.hc.core5.http.io.entity.HttpEntityWrapper {
        private final Runnable onSent;

        SentSignal(org.apache.hc.core5.http.HttpEntity body, Runnable onSent) {
            super(body);
            this.onSent = onSent;
        }

        @Override
        public void writeTo(java.io.OutputStream out) throws IOException {
            super.writeTo(out);
            out.flush();
            onSent.run();
        }
    }

    /** Sends {@code request} once with a fresh {@code Authorization} (no replay); best effort for a DELETE. */
    UpstreamResponse sendOnce(HttpUriRequestBase request) {
        authorize(request);
        return send(request);
    }

    /** Drops every connection at once. */
    @Override
    public void close() {
        http.thenAccept(c -> c.close(CloseMode.IMMEDIATE));
    }

    /**
     * Sends the request {@code factory} makes (again for each replay) under the authorization rules above and
     * returns the response once its status is final for them: the caller reads the body (JSON or SSE) or the
     * status (202, errors). {@code timeToStart}: null, or the longest wait for the response to start (its
     * status line and headers; {@link BridgeException} "no answer in time" after it); once started, the answer
     * may take as long as the server needs — a long tool call is normal and servers without keep-alive events
     * exist.
     */
    UpstreamResponse exchange(Supplier<HttpUriRequestBase> factory, String verb, Duration timeToStart) {
        boolean renewed = false;
        boolean steppedUp = false;
        boolean nonceRetried = false;
        while (true) {
            HttpUriRequestBase request = factory.get();
            boolean dpop = authorize(request);
            UpstreamResponse r = timeToStart == null ? send(request) : sendWithin(request, timeToStart);
            int status = r.status();
            if (status == 401) {
                List<Challenge> challenges = Challenge.parse(r.headers(ProtocolNames.WWW_AUTHENTICATE));
                Optional<Challenge> challenge = authorizationChallenge(challenges);
                r.discard();
                if (dpop && !nonceRetried && r.header(DPoPNonces.HEADER).isPresent() && challenges.stream()
                        .anyMatch(c -> c.is(DPOP) && c.error().filter(DPoPNonces.USE_DPOP_NONCE::equals).isPresent())) {
                    LOG.info("{} {}: HTTP 401 use_dpop_nonce, replaying once with the server's DPoP nonce", verb, server);
                    nonceRetried = true; // RFC 9449 §9: a new proof with the nonce, not a new token
                    continue;
                }
                if (renewed) {
                    throw new BridgeException(Reason.ACCESS_DENIED, "MCP server '" + server
                            + "' rejected a freshly renewed access token (HTTP 401). Your access may have been revoked;"
                            + " run `xaa doctor " + server + "` for details");
                }
                LOG.info("{} {}: HTTP 401, renewing the access token and replaying once", verb, server);
                auth.unauthorized(server, challenge);
                renewed = true;
                continue;
            }
            if (status == 403) {
                Optional<Challenge> challenge = authorizationChallenge(Challenge.parse(r.headers(ProtocolNames.WWW_AUTHENTICATE)));
                r.discard();
                Optional<String> scope = challenge.filter(c -> c.error().filter(ProtocolNames.INSUFFICIENT_SCOPE::equals).isPresent())
                        .map(Challenge::scopes).filter(s -> !s.isEmpty()).map(s -> String.join(" ", s));
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
            return r;
        }
    }

    /** The first {@code Bearer} (RFC 6750 §3) or {@code DPoP} (RFC 9449 §7.1) challenge: the token's scheme. */
    private static Optional<Challenge> authorizationChallenge(List<Challenge> challenges) {
        return challenges.stream().filter(c -> c.is("Bearer") || c.is(DPOP)).findFirst();
    }

    /**
     * Adds a fresh {@code Authorization} (none for {@link UpstreamAuth#none()}) and, for a DPoP-bound token, a
     * proof for this request with the origin's latest nonce; returns whether a proof was added.
     */
    private boolean authorize(HttpUriRequestBase request) {
        URI uri;
        try {
            uri = request.getUri();
        } catch (URISyntaxException e) {
            throw new BridgeException(Reason.INTERNAL, "not a valid request URL for MCP server '" + server + "'", e);
        }
        UpstreamAuth.Credentials credentials = auth.credentials(server, request.getMethod(), uri, nonces.get(uri))
                .orElseThrow(BridgeException::signInRequired);
        if (!credentials.authorization().isEmpty()) {
            request.setHeader(ProtocolNames.AUTHORIZATION, credentials.authorization());
        }
        credentials.dpopProof().ifPresent(proof -> request.setHeader(DPOP, proof));
        return credentials.dpopProof().isPresent();
    }

    /** Sends, and cancels the exchange when its response has not started within {@code timeToStart}. */
    private UpstreamResponse sendWithin(HttpUriRequestBase request, Duration timeToStart) {
        AtomicInteger phase = new AtomicInteger(); // 0 waiting, 1 started, 2 too late
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            if (phase.compareAndSet(0, 2)) {
                request.cancel();
            }
        }, timeToStart.toMillis(), TimeUnit.MILLISECONDS);
        try {
            UpstreamResponse r = send(request);
            if (!phase.compareAndSet(0, 1)) {
                r.abort();
                throw unavailable("no answer in time", null);
            }
            return r;
        } catch (BridgeException e) {
            throw phase.get() == 2 ? unavailable("no answer in time", e) : e;
        } finally {
            watchdog.cancel(false);
        }
    }

    private UpstreamResponse send(HttpUriRequestBase request) {
        try {
            UpstreamResponse r = new UpstreamResponse(request, http.join().executeOpen(null, request, null));
            nonces.record(request.getUri(), r.header(DPoPNonces.HEADER).orElse(null)); // any response may bring the next nonce
            return r;
        } catch (URISyntaxException e) {
            throw new BridgeException(Reason.INTERNAL, "not a valid request URL for MCP server '" + server + "'", e);
        } catch (java.util.concurrent.CompletionException e) {
            // the HTTP client could not be built: an unusable HTTPS_PROXY or XAA_CA_BUNDLE is a configuration error
            throw BridgeException.of(e);
        } catch (ConnectTimeoutException e) {
            throw unavailable("connection timed out", e);
        } catch (SocketTimeoutException e) {
            throw unavailable("no answer in time", e);
        } catch (ConnectException e) {
            throw unavailable("connection refused", e);
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw unavailable("its TLS certificate is not trusted or does not match the host (" + e.getMessage()
                    + "); if your company uses its own certificate authority, set " + Network.CA_BUNDLE
                    + " to a PEM file holding it (or add it to the Java trust store: "
                    + "XAA_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=FILE\")", e);
        } catch (IOException e) {
            throw unavailable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    /**
     * Resends a request once when the server closed a pooled keep-alive connection before answering anything
     * (its idle timeout, a redeploy: {@link NoHttpResponseException}): the request never reached a server that
     * could act on it. Nothing else is retried: a {@code tools/call} is not idempotent.
     */
    static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
        private final PoolingHttpClientConnectionManager pool;

        StaleConnectionRetry(PoolingHttpClientConnectionManager pool) {
            this.pool = pool;
        }

        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            if (execCount <= 1 && exception instanceof NoHttpResponseException) {
                LOG.debug("{} {}: the pooled connection was closed by the server; resending on a new one",
                        request.getMethod(), request.getPath());
                pool.closeIdle(TimeValue.ZERO_MILLISECONDS); // its idle siblings are as stale
                return true;
            }
            return false;
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }

        @Override
        public TimeValue getRetryInterval(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }

    BridgeException unavailable(String what, Throwable cause) {
        return new BridgeException(Reason.UPSTREAM_UNAVAILABLE,
                "MCP server '" + server + "' is unreachable (" + endpoint + "): " + what, cause);
    }
}
