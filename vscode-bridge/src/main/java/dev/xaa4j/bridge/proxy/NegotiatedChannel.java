package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses the transport (MCP 2025-03-26 "Transports" §Backwards Compatibility): the first
 * {@code initialize} is POSTed as Streamable HTTP; when the server answers that POST with 404 or 405
 * ({@link NotThisTransportException}) it is an HTTP+SSE (2024-11-05) server, and this and every later session
 * use {@link LegacySseChannel}. Everything else is delegated to the chosen channel; both share one
 * {@link UpstreamHttp} (authorization, proxy, trust, connection pool). Thread-safe.
 */
final class NegotiatedChannel implements UpstreamChannel {

    private static final Logger LOG = LoggerFactory.getLogger(NegotiatedChannel.class);

    private final UpstreamHttp http;
    private final ObjectMapper mapper;
    private final Consumer<JsonNode> toClient;
    private final StreamableHttpUpstream streamable;
    /** Non-null once the server turned out to speak only the HTTP+SSE transport; never reset. */
    private volatile LegacySseChannel legacy;

    NegotiatedChannel(UpstreamHttp http, ObjectMapper mapper, Duration sendTimeout, Consumer<JsonNode> toClient) {
        this.http = http;
        this.mapper = mapper;
        this.toClient = toClient;
        this.streamable = new StreamableHttpUpstream(http, new ResponseRelay(mapper, http), sendTimeout, toClient);
    }

    /** The channel to the server {@code settings} names, with the bridge's authorization hook. */
    static NegotiatedChannel to(BridgeSettings settings, UpstreamAuth auth, ObjectMapper mapper, Consumer<JsonNode> toClient) {
        UpstreamHttp http = new UpstreamHttp(settings.server(), settings.endpoint(), auth, settings.connectTimeout(), mapper);
        return new NegotiatedChannel(http, mapper, settings.connectTimeout().plusSeconds(5), toClient);
    }

    @Override
    public JsonNode initialize(ObjectNode request, Duration timeout) {
        LegacySseChannel chosen = legacy;
        if (chosen == null) {
            try {
                return streamable.initialize(request, timeout);
            } catch (NotThisTransportException e) {
                LOG.debug("MCP server '{}': {}; trying HTTP+SSE", http.server(), e.getMessage());
                chosen = new LegacySseChannel(http, mapper, toClient);
                legacy = chosen;
            }
        }
        return chosen.initialize(request, timeout);
    }

    /** Whether the server turned out to speak only HTTP+SSE (2024-11-05). */
    boolean legacy() {
        return legacy != null;
    }

    /** The channel of the transport chosen so far. */
    UpstreamChannel chosen() {
        LegacySseChannel chosen = legacy;
        return chosen != null ? chosen : streamable;
    }

    @Override
    public boolean request(JsonNode request, Duration timeout, Runnable onSent, Runnable onTaken)
            throws SessionLostException {
        return chosen().request(request, timeout, onSent, onTaken);
    }

    @Override
    public void send(JsonNode message) throws SessionLostException {
        chosen().send(message);
    }

    @Override
    public boolean listen(BooleanSupplier current) {
        return chosen().listen(current);
    }

    @Override
    public Optional<String> sessionId() {
        return chosen().sessionId();
    }

    /** Closes both channels (the GET stream, the HTTP+SSE stream, the session's DELETE), then the connection pool. */
    @Override
    public void close() {
        streamable.close();
        LegacySseChannel chosen = legacy;
        if (chosen != null) {
            chosen.close();
        }
        http.close();
    }
}
