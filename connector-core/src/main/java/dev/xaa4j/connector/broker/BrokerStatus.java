package dev.xaa4j.connector.broker;

import dev.xaa4j.connector.ConnectorMetrics;
import dev.xaa4j.connector.ConnectorStatus;
import java.time.Instant;

/**
 * What a running broker reports about itself and its engine. No token values.
 *
 * @param pid       the broker's process id
 * @param startedAt when it started serving
 * @param clients   connections open right now (including the one asking)
 * @param status    the engine's {@link ConnectorStatus}
 * @param metrics   the engine's counters: {@code renewals} counts token exchanges done on behalf of everyone
 */
public record BrokerStatus(long pid, Instant startedAt, int clients, ConnectorStatus status, ConnectorMetrics metrics) {
}
