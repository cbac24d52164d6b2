package dev.xaa4j.connector;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot for UIs (session per docs/protocol.md §4 table) ({@code xaa status}, the tray app): who is signed in, until when, and each configured
 * server's token state.
 *
 * @param user             {@code sub} of the IdP session, if signed in (a stable identifier, often opaque)
 * @param displayName      who is signed in, for people: the ID token's {@code name}, {@code preferred_username},
 *                         {@code email} or {@code sub} (OIDC Core §5.1), present exactly when {@code user} is
 * @param sessionExpiresAt expiry of the current ID token (the session lives on while a refresh token works)
 * @param canRefresh       whether the ID token is renewable without the user: the session holds an IdP refresh
 *                         token and the IdP's last refresh, if any, returned a new ID token (OIDC Core §12.2)
 * @param servers          by configured server name, in configuration order
 */
public record ConnectorStatus(Optional<String> user, Optional<String> displayName, Optional<Instant> sessionExpiresAt,
                              boolean canRefresh, Map<String, ServerStatus> servers) {

    public ConnectorStatus {
        displayName = user.isEmpty() ? Optional.empty() : displayName.or(() -> user);
    }

    /** A status whose display name is {@code user} itself (no ID token claims at hand). */
    public ConnectorStatus(Optional<String> user, Optional<Instant> sessionExpiresAt, boolean canRefresh,
                           Map<String, ServerStatus> servers) {
        this(user, user, sessionExpiresAt, canRefresh, servers);
    }

    public boolean signedIn() {
        return user.isPresent();
    }
}
