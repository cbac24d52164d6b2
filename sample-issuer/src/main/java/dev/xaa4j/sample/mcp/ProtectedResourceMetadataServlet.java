package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9728 protected resource metadata of one MCP server, at
 * {@code /.well-known/oauth-protected-resource/{name}/mcp}: {@code resource} (exactly the server's URL),
 * {@code authorization_servers}, {@code scopes_supported}, {@code bearer_methods_supported},
 * {@code resource_name}.
 */
final class ProtectedResourceMetadataServlet extends HttpServlet {

    private final Map<String, Object> metadata;

    ProtectedResourceMetadataServlet(McpResource server, URI asIssuer) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("resource", server.resource().toString());
        md.put("authorization_servers", List.of(asIssuer.toString()));
        md.put("scopes_supported", server.scopes());
        md.put("bearer_methods_supported", List.of("header"));
        md.put("resource_name", server.title());
        this.metadata = Collections.unmodifiableMap(md); // insertion order kept for readable output
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Http.json(resp, 200, metadata);
    }
}
