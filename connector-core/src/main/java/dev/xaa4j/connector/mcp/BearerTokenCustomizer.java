package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.TokenSource;
import io.modelcontextprotocol.client.transport.customizer.McpAsyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Sets {@code Authorization: Bearer <token>} from {@link TokenSource#token(String)} on every HTTP request of an
 * MCP session (docs/protocol.md §1 step 4), so tokens are swapped between requests, never mid-request. The source
 * is a {@link dev.xaa4j.connector.Connector} in this process, or {@link TokenSource#shared} (the tray's or
 * {@code xaa agent}'s session while one runs). A warm token ({@link TokenSource#cachedToken}) is applied
 * synchronously (no thread hop); otherwise the token is obtained on a bounded-elastic thread, never blocking a
 * reactor thread. Thread-safe.
 */
public final class BearerTokenCustomizer extends ServerTokenHook implements McpAsyncHttpClientRequestCustomizer {

    /** @throws NullPointerException {@code source} or {@code server} is null */
    public BearerTokenCustomizer(TokenSource source, String server) {
        super(source, server);
    }

    @Override
    public Publisher<HttpRequest.Builder> customize(HttpRequest.Builder builder, String method, URI endpoint,
                                                    String body, McpTransportContext context) {
        Optional<AccessToken> cached = source.cachedToken(server);
        if (cached.isPresent()) {
            return Mono.just(builder.setHeader(ProtocolNames.AUTHORIZATION, cached.get().authorizationHeader()));
        }
        return tokenOffReactor().map(token -> builder.setHeader(ProtocolNames.AUTHORIZATION, token.authorizationHeader()));
    }
}
