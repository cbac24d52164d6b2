package dev.xaa4j.bridge.proxy;

/**
 * The server forgot the session: HTTP 404 for a request that carried an {@code Mcp-Session-Id} (Streamable
 * HTTP), or the one event stream ended (HTTP+SSE). The caller re-initializes ({@link UpstreamSession}).
 */
final class SessionLostException extends Exception {
    /** Streamable HTTP's: the message names what was seen ("HTTP 404"). */
    SessionLostException() {
        this("HTTP 404");
    }

    /** {@code message}: what was seen, a few words ("the SSE stream ended"). */
    SessionLostException(String message) {
        super(message, null, false, false);
    }
}
