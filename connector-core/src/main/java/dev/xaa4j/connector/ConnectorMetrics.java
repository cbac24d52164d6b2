package dev.xaa4j.connector;

/**
 * Counters since the connector was built (renewals are the docs/protocol.md §1 steps 2–3 pair).
 *
 * @param renewals     access tokens obtained (each is one token exchange + one jwt-bearer grant)
 * @param blockedCalls {@code token()} calls that found no usable cached token and had to wait for a renewal
 * @param failures     failed renewal attempts
 */
public record ConnectorMetrics(long renewals, long blockedCalls, long failures) {
}
