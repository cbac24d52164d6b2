package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.internal.http.Challenge;
import dev.xaa4j.connector.internal.dpop.DPoPNonces;
import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import io.modelcontextprotocol.common.McpTransportContext;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.TreeSet;
import java.util.Set;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reacts to the MCP server's authorization errors (docs/protocol.md §5, rows "RS 401" and "RS 403
 * insufficient_scope"): on {@code 401} the token that was sent is dropped and a new one obtained, and the SDK
 * replays the request once — except a {@code 401} with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and a
 * {@code DPoP-Nonce} (RFC 9449 §9), which only records the nonce and replays once with a new proof carrying it, the
 * token kept (a {@code DPoP-Nonce} on any answer seen here is recorded per origin); on {@code 403} with {@code error="insufficient_scope"} the challenged
 * {@code scope} is added (step-up, bounded by the connector) and the request replayed once. Anything else is
 * not retried. The Bearer (or DPoP) challenge is read from every {@code WWW-Authenticate} field (a {@code Basic} one may
 * come first; values may be tokens or quoted-strings: RFC 9110 §11.6.1). The renewal runs off the reactor
 * thread and never opens a browser. Works with any {@link TokenSource} (a connector, or the shared session of
 * the tray app or {@code xaa agent}). Thread-safe.
 */
public final class AuthorizationErrorHandler extends ServerTokenHook
        implements McpHttpClientTransportAuthorizationErrorHandler {

    /** @throws NullPointerException {@code source} or {@code server} is null */
    public AuthorizationErrorHandler(TokenSource source, String server) {
        super(source, server);
    }

    @Override
    public Publisher<Boolean> handle(HttpRequestSnapshot request, HttpResponse.ResponseInfo response,
                                     McpTransportContext context) {
        int status = response.statusCode();
        Optional<String> nonce = response.headers().firstValue(DPoPNonces.HEADER);
        nonce.ifPresent(n -> DPoPNonces.shared().record(request.requestUri(), n));
        if (status == 401 && nonce.isPresent() && request.headers().firstValue(DPOP_HEADER).isPresent()
                && bearer(response).filter(c -> c.is("DPoP"))
                        .flatMap(Challenge::error).filter(DPoPNonces.USE_DPOP_NONCE::equals).isPresent()) {
            return Mono.just(true); // RFC 9449 §9: not a re-authorization; the replay's proof carries the nonce
        }
        if (status == 401) {
            Optional<URI> resourceMetadata = bearer(response)
                    .flatMap(c -> c.param(ProtocolNames.RESOURCE_METADATA)).map(AuthorizationErrorHandler::uri);
            return Mono.fromCallable(() -> {
                        request.headers().firstValue(ProtocolNames.AUTHORIZATION)
                                .map(h -> h.substring(h.indexOf(' ') + 1))
                                .ifPresent(sent -> source.invalidate(server, sent, resourceMetadata));
                        return true;
                    })
                    .subscribeOn(Schedulers.boundedElastic()) // may re-run discovery: keep it off the reactor thread
                    .then(renewed())
                    .onErrorResume(AuthorizationErrorHandler::typedOrFalse);
        }
        if (status == 403) {
            List<String> scopes = bearer(response).filter(c -> c.error().filter(ProtocolNames.INSUFFICIENT_SCOPE::equals).isPresent())
                    .map(Challenge::scopes).orElse(List.of());
            if (scopes.isEmpty()) {
                return Mono.just(false);
            }
            if (source.requestScopes(server, scopes)) {
                return renewed().onErrorResume(AuthorizationErrorHandler::typedOrFalse);
            }
            // RFC 6750 §3.1: the server still wants scopes a new authorization cannot add (the token already asked
            // for them, or the step-up limit is reached): the caller gets the typed refusal, not a bare 403
            Set<String> refused = new TreeSet<>(scopes);
            return Mono.error(new ScopeDeniedException(server, refused, "The MCP server '" + server + "' refuses "
                    + "this request for lack of scope " + String.join(" ", refused) + " (403 insufficient_scope), and "
                    + "asking for it again cannot change that: your access does not include it. Ask the server's "
                    + "administrator to grant it if you need it"));
        }
        return Mono.just(false);
    }

    /**
     * A failed renewal: a {@link ConnectorException} (sign-in required, access denied, a scope refused) reaches the
     * caller typed, with its message; anything else ends the retry as before ({@code false}: the SDK reports the
     * original HTTP error).
     */
    private static Mono<Boolean> typedOrFalse(Throwable failure) {
        return ConnectorException.in(failure).<Mono<Boolean>>map(Mono::error).orElseGet(() -> Mono.just(false));
    }

    /** True once a new token is there (obtained off the reactor thread): the SDK then replays the request. */
    private Mono<Boolean> renewed() {
        return tokenOffReactor().map(t -> true);
    }

    @Override
    public int maxRetries() {
        return 1;
    }

    private static URI uri(String value) {
        try {
            return value == null ? null : URI.create(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The Bearer or DPoP challenge among all {@code WWW-Authenticate} fields (RFC 9110 §11.6.1, RFC 6750 §3,
     * RFC 9449 §7.1: the DPoP scheme has the same parameters).
     */
    private static Optional<Challenge> bearer(HttpResponse.ResponseInfo response) {
        return Challenge.parse(response.headers().allValues(ProtocolNames.WWW_AUTHENTICATE)).stream()
                .filter(c -> c.is(ProtocolNames.BEARER) || c.is("DPoP")).findFirst();
    }
}
