/**
 * The local broker (docs/architecture.md "One session owner per machine"): one process per user — the tray app or
 * {@code xaa agent} — owns the IdP session and serves access tokens to bridges over a Unix domain socket in
 * a 0700 per-user directory ({@link dev.xaa4j.connector.host.broker.BrokerSocket}).
 * {@link dev.xaa4j.connector.host.broker.BrokerServer} wraps a {@link dev.xaa4j.connector.Connector};
 * {@link dev.xaa4j.connector.host.broker.BrokerClient} is what bridges use, and tells "no broker running" apart
 * from real errors so callers can fall back to an embedded connector. Wire format:
 * {@link dev.xaa4j.connector.host.broker.BrokerProtocol}.
 */
package dev.xaa4j.connector.host.broker;
