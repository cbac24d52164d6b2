package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import dev.xaa4j.sample.oauth.OAuthFaults;
import java.util.function.Supplier;
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

    private final McpResource server;
    private final Supplier<URI> asIssuer;
    private final OAuthFaults faults;
    private final URI otherResource;

    ProtectedResourceMetadataServlet(McpResource server, URI asIssuer) {
        this(server, () -> asIssuer, null, null);
    }

    /**
     * @param asIssuer      the issuer to name now (it changes under the AS-migration fault)
     * @param faults        the plain-OAuth fault switch this server obeys, or {@code null}
     * @param otherResource what {@code resource} says under the resource-mismatch fault
     */
    ProtectedResourceMetadataServlet(McpResource server, Supplier<URI> asIssuer, OAuthFaults faults, URI otherResource) {
        this.server = server;
        this.asIssuer = asIssuer;
        this.faults = faults;
        this.otherResource = otherResource;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        URI resource = server.resource();
        if (faults != null && faults.is(OAuthFaults.Fault.RESOURCE_MISMATCH)) {
            resource = otherResource;
            faults.served(OAuthFaults.Fault.RESOURCE_MISMATCH, server.resource().toString(),
                    "protected resource metadata says resource " + otherResource);
        }
        URI issuer = asIssuer.get();
        if (faults != null && faults.is(OAuthFaults.Fault.AS_MIGRATION)) {
            faults.served(OAuthFaults.Fault.AS_MIGRATION, server.resource().toString(),
                    "protected resource metadata names the second AS " + issuer);
        }
        Map<String, Object> md = new LinkedHashMap<>(); // insertion order kept for readable output
        md.put("resource", resource.toString());
        md.put("authorization_servers", List.of(issuer.toString()));
        md.put("scopes_supported", server.scopes());
        md.put("bearer_methods_supported", List.of("header"));
        md.put("resource_name", server.title());
        md.put(dev.xaa4j.sample.dpop.DPoPVerifier.METADATA_PARAMETER, dev.xaa4j.sample.dpop.DPoPVerifier.ALGORITHMS);
        md.put("dpop_bound_access_tokens_required", false);
        Http.json(resp, 200, md);
    }
}
