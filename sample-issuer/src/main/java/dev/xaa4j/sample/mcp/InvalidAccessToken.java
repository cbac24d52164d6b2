package dev.xaa4j.sample.mcp;

/** A bearer token this MCP server does not accept (RFC 6750 {@code invalid_token}); no token bytes in the message. */
final class InvalidAccessToken extends Exception {
    InvalidAccessToken(String description) {
        super(description, null, false, false);
    }
}
