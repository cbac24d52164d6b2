package dev.xaa4j.connector.internal.oauth;

import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.util.Optional;
import java.util.Set;

/**
 * Plain MCP authorization for the servers of one connector (MCP authorization 2025-11-25 and 2026-07-28:
 * authorization code + PKCE S256 + {@code state} + RFC 8707 {@code resource} in the system browser, RFC 9207
 * {@code iss} check, client identification pre-registered → Client ID Metadata Document → RFC 7591 dynamic
 * registration, refresh tokens kept per (server, authorization server issuer) in the credential store).
 * The flow choice (EMA or plain) is made by the caller; this type only runs the plain flow. Thread-safe.
 */
public interface ServerGrants extends AutoCloseable {

    /**
     * A token for {@code server} without a person: from the stored refresh token (RFC 6749 §6, rotated atomically),
     * else — when {@code interactive} — by a browser sign-in, else
     * {@link dev.xaa4j.connector.ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED}.
     *
     * @param meta         the server's discovered metadata (PRM {@code resource}, the AS metadata)
     * @param extraScopes  scopes added by step-up (403 {@code insufficient_scope}) on top of the configured ones
     * @param stepUpScopes the subset of {@code extraScopes} challenged and not yet granted; a step-up needs a new
     *                     authorization (browser); at most 3 authorization requests per server and operation (the
     *                     first included; a call with no step-up pending starts a new operation), else
     *                     {@link dev.xaa4j.connector.ScopeDeniedException}
     */
    TokenFetcher.Fetched token(ServerConfig server, ServerMetadata meta, Set<String> extraScopes,
                               Set<String> stepUpScopes, boolean interactive);

    /** An interactive sign-in to {@code server} (always opens the browser), keeping the grant it yields. */
    TokenFetcher.Fetched signIn(ServerConfig server, ServerMetadata meta, Set<String> scopes);

    /** Whether a refresh token (or a still-valid access token of a sign-in) is held for {@code server}. */
    boolean hasGrant(String server);

    /**
     * Whether a grant is held that a renewal can use without a person: {@link #hasGrant} and no step-up waiting for a
     * sign-in. A connector holding "sign in to SERVER" re-checks this (one credential-store read, rate-limited), so a
     * sign-in in another process reaches it.
     */
    default boolean grantReady(String server) {
        return hasGrant(server);
    }

    /**
     * Revokes {@code server}'s refresh token at its AS (RFC 7009) when {@code meta} names a revocation endpoint, and
     * deletes its grant; never throws for an AS problem (logged, the local grant is deleted regardless).
     */
    void signOut(ServerConfig server, Optional<ServerMetadata> meta);

    @Override
    void close();
}
