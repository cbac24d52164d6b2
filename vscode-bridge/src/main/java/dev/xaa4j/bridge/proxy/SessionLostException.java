package dev.xaa4j.bridge.proxy;

/** HTTP 404 for a request that carried an {@code Mcp-Session-Id}: the server forgot the session. */
final class SessionLostException extends Exception {
    SessionLostException() {
        super("MCP session expired on the server (HTTP 404)", null, false, false);
    }
}
