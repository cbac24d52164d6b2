package dev.xaa4j.connector.host.broker;

import dev.xaa4j.connector.ConnectorMetrics;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.host.config.SessionStorage;
import java.time.Instant;

/**
 * What a running broker reports about itself and its connector. No token values.
 *
 * @param pid       the broker's process id
 * @param startedAt when it started serving
 * @param clients   connections open right now (including the one asking)
 * @param status    the connector's {@link ConnectorStatus}
 * @param metrics   the connector's counters: {@code renewals} counts token exchanges done on behalf of everyone
 * @param sessionStorage where the broker keeps the session: {@link SessionStorage#MEMORY} means only in its
 *                  process, which nobody else can reach but through the broker
 * @param lifetime  started on demand or by hand, and its idle exit ({@link AgentLifetime#UNTIL_STOPPED} for a
 *                  broker of an older version, which does not say)
 */
public record BrokerStatus(long pid, Instant startedAt, int clients, ConnectorStatus status, ConnectorMetrics metrics,
                           SessionStorage sessionStorage, AgentLifetime lifetime) {

    public BrokerStatus {
        sessionStorage = sessionStorage == null ? SessionStorage.KEYRING : sessionStorage;
        lifetime = lifetime == null ? AgentLifetime.UNTIL_STOPPED : lifetime;
    }

    /** A broker started by hand that runs until stopped. */
    public BrokerStatus(long pid, Instant startedAt, int clients, ConnectorStatus status, ConnectorMetrics metrics,
                        SessionStorage sessionStorage) {
        this(pid, startedAt, clients, status, metrics, sessionStorage, AgentLifetime.UNTIL_STOPPED);
    }

    /** A broker keeping its session in the OS keyring. */
    public BrokerStatus(long pid, Instant startedAt, int clients, ConnectorStatus status, ConnectorMetrics metrics) {
        this(pid, startedAt, clients, status, metrics, SessionStorage.KEYRING);
    }
}
