package dev.xaa4j.bridge.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What one {@code xaa bridge} process fronts and its time budgets.
 *
 * @param server           the configured name (or the URL) used in messages and for {@link UpstreamAuth}
 * @param endpoint         the MCP server's Streamable HTTP endpoint
 * @param initializeBudget how long the client's {@code initialize} may wait for the upstream before the bridge
 *                         answers it locally (the issue demands an answer within 1 s)
 * @param connectWait      how long a request waits for a (re)connection in progress before it is answered offline
 * @param connectTimeout   TCP connect timeout toward the server
 * @param requestTimeout   time to the response headers of one forwarded request; once the answer has started
 *                         (an event stream) it is not cut, however long the server stays silent
 * @param drainTimeout     after stdin EOF, how long in-flight requests may still finish
 */
public record BridgeSettings(String server, URI endpoint, Duration initializeBudget, Duration connectWait,
                             Duration connectTimeout, Duration requestTimeout, Duration drainTimeout) {

    public BridgeSettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    public static BridgeSettings defaults(String server, URI endpoint) {
        return new BridgeSettings(server, endpoint, Duration.ofMillis(800), Duration.ofSeconds(3),
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(10));
    }

    public BridgeSettings withInitializeBudget(Duration d) {
        return new BridgeSettings(server, endpoint, d, connectWait, connectTimeout, requestTimeout, drainTimeout);
    }

    public BridgeSettings withRequestTimeout(Duration d) {
        return new BridgeSettings(server, endpoint, initializeBudget, connectWait, connectTimeout, d, drainTimeout);
    }

    public BridgeSettings withConnectWait(Duration d) {
        return new BridgeSettings(server, endpoint, initializeBudget, d, connectTimeout, requestTimeout, drainTimeout);
    }
}
