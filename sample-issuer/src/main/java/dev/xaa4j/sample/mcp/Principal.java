package dev.xaa4j.sample.mcp;

import java.util.List;
import java.util.Map;

/**
 * Who is calling an MCP server, from a verified access token: the user ({@code sub}), the client, the granted
 * scopes, the token's audience and issuer. The bearer filter puts it into the request; the transport's
 * context extractor hands it to the tools through the {@code McpTransportContext}.
 */
public record Principal(String subject, String clientId, List<String> scopes, List<String> audience,
                        String issuer) {

    /** Key of the principal in the request attributes and in the {@code McpTransportContext}. */
    public static final String KEY = "xaa4j.principal";

    public Principal {
        scopes = List.copyOf(scopes);
        audience = List.copyOf(audience);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** What {@code whoami} answers; no token bytes. */
    Map<String, Object> describe(String resource) {
        return Map.of("sub", subject, "client_id", clientId, "scope", String.join(" ", scopes),
                "resource", resource, "iss", issuer, "aud", audience);
    }
}
