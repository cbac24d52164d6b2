package dev.xaa4j.bridge.proxy;

/**
 * The server forgot the session: HTTP 404 for a request that carried an {@code Mcp-Session-Id} (Streamable
 * HTTP), or the one event stream ended (HTTP+SSE). The caller re-initializes ({@link UpstreamSession}).
 */
final class SessionLostException extends Exception {
    SessionLostException() {
        this("MCP session expired on the server (HTTP 404)");
    }

    SessionLostException(String message) {
        super(message, null, false, false);
    }
}
