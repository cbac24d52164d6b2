package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.Connector;
import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import io.modelcontextprotocol.common.McpTransportContext;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reacts to the MCP server's authorization errors (PROTOCOL.md §5, rows "RS 401" and "RS 403
 * insufficient_scope"): on {@code 401} the token that was sent is dropped and a new one obtained, and the SDK
 * replays the request once; on {@code 403} with {@code error="insufficient_scope"} the challenged
 * {@code scope} is added (step-up, bounded by the connector) and the request replayed once. Anything else is
 * not retried. The renewal runs off the reactor thread and never opens a browser.
 */
public final class AuthorizationErrorHandler implements McpHttpClientTransportAuthorizationErrorHandler {

    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Connector connector;
    private final String server;

    public AuthorizationErrorHandler(Connector connector, String server) {
        this.connector = connector;
        this.server = server;
    }

    @Override
    public Publisher<Boolean> handle(HttpRequestSnapshot request, HttpResponse.ResponseInfo response,
                                     McpTransportContext context) {
        int status = response.statusCode();
        if (status == 401) {
            Optional<URI> resourceMetadata = response.headers().firstValue("WWW-Authenticate")
                    .map(c -> param(c, "resource_metadata")).map(AuthorizationErrorHandler::uri);
            return Mono.fromCallable(() -> {
                        request.headers().firstValue("Authorization")
                                .map(h -> h.substring(h.indexOf(' ') + 1))
                                .ifPresent(sent -> connector.invalidate(server, sent, resourceMetadata));
                        return true;
                    })
                    .subscribeOn(Schedulers.boundedElastic()) // may re-run discovery: keep it off the reactor thread
                    .then(Mono.fromFuture(() -> connector.tokenAsync(server)))
                    .map(t -> true).onErrorReturn(false);
        }
        if (status == 403) {
            Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
            String error = challenge.map(c -> param(c, "error")).orElse(null);
            String scope = challenge.map(c -> param(c, "scope")).orElse(null);
            if ("insufficient_scope".equals(error) && scope != null && !scope.isBlank()) {
                List<String> scopes = Arrays.asList(scope.trim().split("\\s+"));
                if (connector.requestScopes(server, scopes)) {
                    return Mono.fromFuture(() -> connector.tokenAsync(server)).map(t -> true).onErrorReturn(false);
                }
            }
        }
        return Mono.just(false);
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

    static String param(String challenge, String name) {
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                return m.group(2);
            }
        }
        return null;
    }
}
