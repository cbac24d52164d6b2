package dev.xaa4j.sample.mcp;

import java.net.URI;

/** Checks a bearer access token presented to one MCP server. Implementations are thread-safe. */
@FunctionalInterface
interface TokenVerifier {

    /**
     * @param resource the server's resource identifier, which the token must name as its audience
     * @return the caller the token stands for
     * @throws InvalidAccessToken when the token is not valid for {@code resource} (the message says why; no token bytes)
     */
    Principal verify(String token, URI resource) throws InvalidAccessToken;
}
