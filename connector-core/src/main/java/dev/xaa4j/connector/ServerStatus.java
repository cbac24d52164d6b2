package dev.xaa4j.connector;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One server's token state (no token value); see docs/protocol.md §4 for the lifetimes behind it.
 *
 * @param lastError a person-readable message of the last failure, if the last attempt failed
 */
public record ServerStatus(String server, ServerState state, Optional<Instant> expiresAt, Set<String> scopes,
                           Optional<String> lastError) {
    public ServerStatus {
        scopes = Set.copyOf(scopes);
    }
}
