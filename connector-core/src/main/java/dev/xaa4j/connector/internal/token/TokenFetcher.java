package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.AccessToken;
import java.util.Set;

/**
 * Obtains a brand-new access token for one server: the renewal chain of docs/protocol.md §4 (ID token →
 * exchange → jwt-bearer). Called by {@link TokenManager} at most once at a time per server; may block on
 * HTTP. Throws the typed {@link dev.xaa4j.connector.ConnectorException}s of docs/protocol.md §5.
 */
@FunctionalInterface
public interface TokenFetcher {

    /** A fetched token and the key it is valid for. */
    record Fetched(AccessToken token, TokenKey key) {
    }

    /**
     * @param extraScopes scopes added by step-up ({@code 403 insufficient_scope}) on top of the configured ones
     */
    Fetched fetch(String server, Set<String> extraScopes);

    /**
     * As {@link #fetch(String, Set)}, told which of {@code extraScopes} were challenged by the MCP server
     * ({@code 403 insufficient_scope}, RFC 6750 §3.1) and not yet granted, so that a refusal of exactly those
     * can be reported as {@link dev.xaa4j.connector.ScopeDeniedException} instead of being retried away.
     *
     * @param stepUpScopes a subset of {@code extraScopes}; empty when no step-up is pending
     */
    default Fetched fetch(String server, Set<String> extraScopes, Set<String> stepUpScopes) {
        return fetch(server, extraScopes);
    }
}
