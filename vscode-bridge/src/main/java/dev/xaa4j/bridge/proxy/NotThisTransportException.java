package dev.xaa4j.bridge.proxy;

/**
 * The server answered the first POST of {@code initialize} with 404 or 405: it speaks the HTTP+SSE transport of
 * MCP 2024-11-05, not Streamable HTTP (MCP "Transports" §Backwards Compatibility).
 */
final class NotThisTransportException extends Exception {
    NotThisTransportException(int status) {
        super("the initialize POST was answered HTTP " + status, null, false, false);
    }
}
