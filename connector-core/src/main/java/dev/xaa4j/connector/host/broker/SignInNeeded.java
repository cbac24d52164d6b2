package dev.xaa4j.connector.host.broker;

import java.time.Instant;

/**
 * A bridge asked for a token, the broker had no IdP session, and the bridge wants the person told (the tray
 * app turns this into a notification). The broker itself never opens a browser for a bridge.
 *
 * @param server the configured server the bridge fronts
 * @param at     when the broker received it
 */
public record SignInNeeded(String server, Instant at) {
}
