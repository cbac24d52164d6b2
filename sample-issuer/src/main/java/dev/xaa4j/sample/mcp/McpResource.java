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
                   String readScope, Map<String, ScopedTool> tools, String flow) {

    /** Flows: {@code ema} (our EMA AS), {@code oauth} (our plain AS), {@code external} (another AS's tokens). */
    static final String EMA = "ema";

    static McpResource of(URI base, Policy.Resource spec, List<ScopedTool> tools) {
        return of(base, spec, tools, EMA);
    }

    static McpResource of(URI base, Policy.Resource spec, List<ScopedTool> tools, String flow) {
        URI resource = McpServers.resourceUri(base, spec.name());
        Map<String, ScopedTool> byName = new LinkedHashMap<>();
        tools.forEach(t -> byName.put(t.name(), t));
        return new McpResource(spec.name(), spec.title() == null ? spec.name() : spec.title(), resource,
                metadataUrl(resource), spec.scopes(), Tools.readScope(spec), Collections.unmodifiableMap(byName), flow);
    }

    /** RFC 9728 §3.1: the well-known segment goes between the origin and the resource's path. */
    static URI metadataUrl(URI resource) {
        return URI.create(resource.getScheme() + "://" + resource.getRawAuthority()
                + "/.well-known/oauth-protected-resource" + resource.getRawPath());
    }

    /**
     * The {@code scope} of a 403 {@code insufficient_scope} challenge for a tool needing {@code required}
     * (RFC 6750 §3.1): the EMA servers name that scope; the others every scope the tool's work needs, read included
     * ({@code "wiki:read wiki:write"}), so a client re-authorizing with the challenge alone keeps reading.
     */
    String challengeScope(String required) {
        return EMA.equals(flow) || required.equals(readScope) ? required : readScope + " " + required;
    }

    /** The path the MCP endpoint is served on, e.g. {@code /notes/mcp}. */
    String endpointPath() {
        return resource.getRawPath();
    }

    Optional<ScopedTool> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }
}
