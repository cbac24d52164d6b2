package dev.xaa4j.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.transport.McpOperationHandler;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.protocol.McpClientMessage;
import dev.langchain4j.mcp.protocol.McpInitializeRequest;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.internal.dpop.DPoPNonces;
import dev.xaa4j.connector.mcp.AuthorizationErrorHandler;
import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.common.McpTransportContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * LangChain4j's Streamable HTTP MCP transport ({@link StreamableHttpMcpTransport}) authorized by a {@link TokenSource}
 * (docs/protocol.md §1 step 4): every HTTP request carries {@code Authorization} from {@link TokenSource#token} —
 * {@code Bearer <token>}, or for a DPoP-bound token {@code DPoP <token>} plus a fresh {@code DPoP} proof for
 * {@code POST} and the endpoint (RFC 9449 §7.1), with the origin's latest {@code DPoP-Nonce}.
 *
 * <p>LangChain4j's transport reports a refused request only as "Unexpected status code: N", without the server's
 * challenge. On a {@code 401} or {@code 403} this transport therefore asks the server once more with the <em>same
 * rejected token</em> (a fresh proof for a DPoP one), which the server refuses again and, this time, with its
 * {@code WWW-Authenticate} challenge readable; the connector's {@link AuthorizationErrorHandler} judges it exactly as
 * for the MCP Java SDK (docs/protocol.md §5): {@code 401} → the token is dropped and renewed, a
 * {@code use_dpop_nonce} is recorded; {@code 403 insufficient_scope} → step-up; then the operation is replayed once.
 * A step-up the IdP refuses fails the operation with the connector's {@code ScopeDeniedException}, naming the scope.
 * After a {@code 401} the probe is a JSON-RPC {@code ping} (no side effect, even if a fresh DPoP nonce makes the
 * server accept it: the refused operation did not run, so it is then simply replayed once). After a {@code 403} the
 * probe is the refused message itself, because the scope a server asks for depends on the operation: the same token
 * has the same scopes, so the server refuses it again (a gateway that lets a once-refused token through would run
 * it: the probe carries no {@code Mcp-Session-Id}, which a stateful server needs).
 *
 * <p>Thread-safe. Closing closes the LangChain4j transport, not the token source.
 */
public final class AuthorizedMcpTransport implements McpTransport {

    private static final Pattern STATUS = Pattern.compile("Unexpected status code: (\\d{3})");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DPOP = "DPoP";

    private final TokenSource source;
    private final String server;
    private final URI url;
    private final StreamableHttpMcpTransport delegate;
    private final AuthorizationErrorHandler challenges;
    private final HttpClient probes;
    /**
     * The token each operation in flight was last sent with, by message identity (for the probe); only operations
     * this transport runs are tracked (empty until the request is made), so notifications and LangChain4j's own
     * pings leave nothing behind.
     */
    private final Map<McpClientMessage, Optional<AccessToken>> sent = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * @param source  where tokens come from ({@link TokenSource#forCurrentUser}, a {@code Connector})
     * @param server  the name {@code source} knows the server by
     * @param url     the server's Streamable HTTP endpoint
     * @param timeout LangChain4j's per-request timeout
     */
    AuthorizedMcpTransport(TokenSource source, String server, URI url, Duration timeout) {
        this.source = Objects.requireNonNull(source, "source");
        this.server = Objects.requireNonNull(server, "server");
        this.url = Objects.requireNonNull(url, "url");
        this.delegate = StreamableHttpMcpTransport.builder()
                .url(url.toString())
                .timeout(timeout)
                .customHeaders(this::headers)
                .build();
        this.challenges = new AuthorizationErrorHandler(source, server);
        this.probes = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The headers of one request: {@code Authorization}, and {@code DPoP} for a DPoP-bound token. */
    private Map<String, String> headers(McpCallContext context) {
        AccessToken token = source.token(server);
        if (context != null && context.message() != null) {
            sent.replace(context.message(), Optional.of(token));
        }
        return authorization(token);
    }

    private Map<String, String> authorization(AccessToken token) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", token.authorizationHeader());
        if (token.dpopBound()) {
            source.dpopProof(token, "POST", url, DPoPNonces.shared().get(url)).ifPresent(p -> headers.put(DPOP, p));
        }
        return headers;
    }

    @Override
    public void start(McpOperationHandler handler) {
        delegate.start(handler);
    }

    @Override
    public CompletableFuture<JsonNode> initialize(McpInitializeRequest request) {
        return withChallenges(request, () -> delegate.initialize(request));
    }

    @Override
    public CompletableFuture<JsonNode> executeOperationWithResponse(McpClientMessage message) {
        return withChallenges(message, () -> delegate.executeOperationWithResponse(message));
    }

    @Override
    public CompletableFuture<JsonNode> executeOperationWithResponse(McpCallContext context) {
        return withChallenges(context.message(), () -> delegate.executeOperationWithResponse(context));
    }

    @Override
    public void executeOperationWithoutResponse(McpClientMessage message) {
        delegate.executeOperationWithoutResponse(message);
    }

    @Override
    public void executeOperationWithoutResponse(McpCallContext context) {
        delegate.executeOperationWithoutResponse(context);
    }

    @Override
    public void checkHealth() {
        delegate.checkHealth();
    }

    @Override
    public void onFailure(Runnable actionOnFailure) {
        delegate.onFailure(actionOnFailure);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    /** Runs {@code operation}; on a 401/403 lets the server's challenge decide whether to replay it once. */
    private CompletableFuture<JsonNode> withChallenges(McpClientMessage message,
                                                      Supplier<CompletableFuture<JsonNode>> operation) {
        sent.put(message, Optional.empty());
        CompletableFuture<JsonNode> first;
        try {
            first = operation.get();
        } catch (RuntimeException e) {
            sent.remove(message);
            throw e;
        }
        return first.handle((result, failure) -> {
            AccessToken token = sent.getOrDefault(message, Optional.empty()).orElse(null);
            if (failure == null) {
                sent.remove(message);
                return CompletableFuture.completedFuture(result);
            }
            Optional<Integer> status = status(failure);
            if (token == null || status.isEmpty() || (status.get() != 401 && status.get() != 403)) {
                sent.remove(message);
                return CompletableFuture.<JsonNode>failedFuture(failure);
            }
            return Mono.fromCallable(() -> probe(probeBody(message, status.get()), token))
                    .subscribeOn(Schedulers.boundedElastic()) // a blocking round trip: never on an HTTP client thread
                    .flatMap(response -> refused(response.info().statusCode())
                            ? Mono.from(challenges.handle(response.snapshot(), response.info(), McpTransportContext.EMPTY))
                            : Mono.just(true)) // accepted now (e.g. a fresh DPoP nonce): the refused operation did not run
                    .defaultIfEmpty(false)
                    .toFuture()
                    .thenCompose(replay -> replay ? operation.get() : CompletableFuture.<JsonNode>failedFuture(failure))
                    .whenComplete((r, e) -> sent.remove(message));
        }).thenCompose(Function.identity());
    }

    private record Probe(HttpRequestSnapshot snapshot, HttpResponse.ResponseInfo info) {
    }

    private static boolean refused(int status) {
        return status == 401 || status == 403;
    }

    /**
     * What the probe sends after {@code status}: a JSON-RPC {@code ping} after a {@code 401} (nothing runs, whatever
     * the server answers), the refused {@code message} itself after a {@code 403} (its scope depends on it).
     */
    static String probeBody(McpClientMessage message, int status) {
        return status == 401 ? "{\"jsonrpc\":\"2.0\",\"id\":\"xaa4j-challenge-probe\",\"method\":\"ping\"}" : json(message);
    }

    /** {@code body} with the token the server refused: its answer carries the challenge. */
    private Probe probe(String body, AccessToken refused) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authorization(refused).forEach(request::header);
        HttpRequest built = request.build();
        HttpResponse<Void> response = probes.send(built, HttpResponse.BodyHandlers.discarding());
        HttpHeaders headers = response.headers();
        HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public HttpClient.Version version() {
                return response.version();
            }
        };
        return new Probe(new HttpRequestSnapshot(url, "POST", built.headers()), info);
    }

    private static String json(McpClientMessage message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP status LangChain4j's transport reports in its failure ("Unexpected status code: N"), if any. */
    static Optional<Integer> status(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CompletionException || t instanceof ExecutionException) {
                continue;
            }
            Matcher m = STATUS.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Optional.of(Integer.parseInt(m.group(1)));
            }
        }
        return Optional.empty();
    }
}
