package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.internal.dpop.DPoPNonces;
import io.modelcontextprotocol.client.transport.customizer.McpAsyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sets {@code Authorization} from {@link TokenSource#token(String)} on every HTTP request of an MCP session
 * (docs/protocol.md §1 step 4), so tokens are swapped between requests, never mid-request: {@code Bearer <token>},
 * or for a DPoP-bound token {@code DPoP <token>} plus a {@code DPoP} header with a fresh proof (RFC 9449 §7.1) for
 * the request's method and endpoint, made by {@link TokenSource#dpopProof} with the origin's latest
 * {@code DPoP-Nonce} (docs/architecture.md "DPoP"). The source
 * is a {@link dev.xaa4j.connector.Connector} in this process, or {@link TokenSource#shared} (the tray's or
 * {@code xaa agent}'s session while one runs). A warm Bearer token ({@link TokenSource#cachedToken}) is applied
 * synchronously (no thread hop); otherwise the token (and a proof, which may be a round trip to the session owner)
 * is obtained on a bounded-elastic thread, never blocking a reactor thread.
 *
 * <p>Made with the server's URL ({@link #BearerTokenCustomizer(TokenSource, String, Supplier)}), a request to any
 * other URL fails with a {@link ConnectorException} of kind {@code CONFIGURATION} naming both URLs
 * ({@link McpTransports#requireServerUrl}), and no token is obtained for it. Thread-safe.
 */
public final class BearerTokenCustomizer extends ServerTokenHook implements McpAsyncHttpClientRequestCustomizer {

    private final Supplier<URI> serverUrl;

    /**
     * A customizer that does not check where requests go: for a transport built here with the server's own URL.
     *
     * @throws NullPointerException {@code source} or {@code server} is null
     */
    public BearerTokenCustomizer(TokenSource source, String server) {
        this(source, server, () -> null);
    }

    /**
     * A customizer that refuses every request not sent to {@code serverUrl} (asked once, on the first request;
     * e.g. {@code () -> McpTransports.serverUrl(source, server)}).
     *
     * @throws NullPointerException an argument is null
     */
    public BearerTokenCustomizer(TokenSource source, String server, Supplier<URI> serverUrl) {
        super(source, server);
        this.serverUrl = memoized(Objects.requireNonNull(serverUrl, "serverUrl"));
    }

    private static Supplier<URI> memoized(Supplier<URI> supplier) {
        return new Supplier<>() {
            private volatile Optional<URI> value;

            @Override
            public URI get() {
                Optional<URI> v = value;
                if (v == null) {
                    v = Optional.ofNullable(supplier.get()); // a failure is not kept: the next request asks again
                    value = v;
                }
                return v.orElse(null);
            }
        };
    }

    @Override
    public Publisher<HttpRequest.Builder> customize(HttpRequest.Builder builder, String method, URI endpoint,
                                                    String body, McpTransportContext context) {
        try {
            URI expected = serverUrl.get();
            if (expected != null) {
                ServerUrls.requireSame(server, expected, endpoint);
            }
        } catch (ConnectorException e) {
            return Mono.error(e);
        }
        Optional<AccessToken> cached = source.cachedToken(server);
        if (cached.isPresent() && !cached.get().dpopBound()) {
            return Mono.just(builder.setHeader(ProtocolNames.AUTHORIZATION, cached.get().authorizationHeader()));
        }
        Mono<AccessToken> token = cached.map(Mono::just).orElseGet(this::tokenOffReactor);
        return token.flatMap(t -> !t.dpopBound()
                ? Mono.just(builder.setHeader(ProtocolNames.AUTHORIZATION, t.authorizationHeader()))
                : Mono.fromCallable(() -> withProof(builder, t, method, endpoint)).subscribeOn(Schedulers.boundedElastic()));
    }

    private HttpRequest.Builder withProof(HttpRequest.Builder builder, AccessToken token, String method, URI endpoint) {
        builder.setHeader(ProtocolNames.AUTHORIZATION, token.authorizationHeader());
        source.dpopProof(token, method, endpoint, DPoPNonces.shared().get(endpoint))
                .ifPresent(proof -> builder.setHeader(DPOP_HEADER, proof));
        return builder;
    }
}
