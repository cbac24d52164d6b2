package dev.xaa4j.connector;

import java.util.Collection;

/**
 * Where an MCP client gets the access token for one MCP server. Implemented by {@link Connector} (in this
 * process), by the local broker's client (the session owner's connector, over its socket) and by the shared
 * source that uses the broker while one runs and an embedded connector otherwise. The bridge, the {@code xaa}
 * commands and the MCP SDK adapter depend on this interface only.
 *
 * <p>Thread-safe. Errors are {@link ConnectorException}s; act on {@link ConnectorException#kind()}.
 */
public interface TokenSource extends AutoCloseable {

    /** A valid access token for {@code server}; blocks while one is obtained. Never opens a browser. */
    AccessToken token(String server);

    /**
     * The MCP server rejected {@code rejectedValue} (HTTP 401, RFC 6750 §3.1): drop it so the next
     * {@link #token} obtains a new one. Returns whether it was the cached token (so a replay is worth it).
     */
    boolean invalidate(String server, String rejectedValue);

    /**
     * The MCP server answered 403 {@code insufficient_scope} (RFC 6750 §3.1): the next {@link #token} asks for
     * {@code scopes} as well. Returns whether that changes what is asked (so a replay is worth it).
     */
    boolean requestScopes(String server, Collection<String> scopes);

    /** Who is signed in and each server's token state; never blocks on the network. */
    ConnectorStatus status();

    /** Registers a listener for session and token events; callbacks run off the caller's thread. */
    void addListener(ConnectorListener listener);

    void removeListener(ConnectorListener listener);

    /** Releases threads and connections; cached tokens are forgotten. Idempotent. */
    @Override
    void close();
}
