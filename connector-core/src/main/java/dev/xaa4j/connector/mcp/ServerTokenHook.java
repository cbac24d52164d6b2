package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.TokenSource;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the MCP Java SDK hooks of this package share: the {@link TokenSource} and the configured server name they
 * serve, and a token obtained off the reactor thread ({@link TokenSource#token} may wait for a renewal; a reactor
 * thread must never block). Immutable and thread-safe; not API.
 */
abstract class ServerTokenHook {

    /** The request header carrying a DPoP proof (RFC 9449 §4.1). */
    static final String DPOP_HEADER = "DPoP";

    final TokenSource source;
    final String server;

    ServerTokenHook(TokenSource source, String server) {
        this.source = Objects.requireNonNull(source, "source");
        this.server = Objects.requireNonNull(server, "server");
    }

    /** {@link TokenSource#token(String)} for {@link #server}, run on a bounded-elastic thread. */
    Mono<AccessToken> tokenOffReactor() {
        return Mono.fromCallable(() -> source.token(server)).subscribeOn(Schedulers.boundedElastic());
    }
}
