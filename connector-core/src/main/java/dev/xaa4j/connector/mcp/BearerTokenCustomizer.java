package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import io.modelcontextprotocol.client.transport.customizer.McpAsyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Sets {@code Authorization: Bearer <token>} from {@link Connector#token(String)} on every HTTP request of an
 * MCP session (docs/protocol.md §1 step 4), so tokens are swapped between requests, never mid-request. A warm
 * token is applied synchronously (lock-free, no thread hop); otherwise the request waits on
 * {@link Connector#tokenAsync(String)} without blocking a reactor thread.
 */
public final class BearerTokenCustomizer implements McpAsyncHttpClientRequestCustomizer {

    private final Connector connector;
    private final String server;

    public BearerTokenCustomizer(Connector connector, String server) {
        this.connector = connector;
        this.server = server;
    }

    @Override
    public Publisher<HttpRequest.Builder> customize(HttpRequest.Builder builder, String method, URI endpoint,
                                                    String body, McpTransportContext context) {
        Optional<AccessToken> cached = connector.cachedToken(server);
        if (cached.isPresent()) {
            return Mono.just(builder.setHeader(ProtocolNames.AUTHORIZATION, cached.get().authorizationHeader()));
        }
        return Mono.fromFuture(() -> connector.tokenAsync(server))
                .map(token -> builder.setHeader(ProtocolNames.AUTHORIZATION, token.authorizationHeader()));
    }
}
