package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One protected MCP server as its clients see it: the resource identifier (= its URL), the URL of its RFC 9728
 * metadata, its scopes and its tools with the scope each one needs.
 */
record McpResource(String name, String title, URI resource, URI metadataUrl, List<String> scopes,
                   String readScope, Map<String, ScopedTool> tools) {

    static McpResource of(URI base, Policy.Resource spec, List<ScopedTool> tools) {
        URI resource = McpServers.resourceUri(base, spec.name());
        Map<String, ScopedTool> byName = new LinkedHashMap<>();
        tools.forEach(t -> byName.put(t.name(), t));
        return new McpResource(spec.name(), spec.title() == null ? spec.name() : spec.title(), resource,
                metadataUrl(resource), spec.scopes(), Tools.readScope(spec), Collections.unmodifiableMap(byName));
    }

    /** RFC 9728 §3.1: the well-known segment goes between the origin and the resource's path. */
    static URI metadataUrl(URI resource) {
        return URI.create(resource.getScheme() + "://" + resource.getRawAuthority()
                + "/.well-known/oauth-protected-resource" + resource.getRawPath());
    }

    /** The path the MCP endpoint is served on, e.g. {@code /notes/mcp}. */
    String endpointPath() {
        return resource.getRawPath();
    }

    Optional<ScopedTool> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }
}
