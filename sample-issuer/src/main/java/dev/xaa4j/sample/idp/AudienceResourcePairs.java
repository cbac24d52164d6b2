package dev.xaa4j.sample.idp;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The table of (audience, resource) pairs the IdP will issue ID-JAGs for (docs/protocol.md §3.2 step 4, §3.5):
 * each audience is a known MCP authorization server's exact issuer, each resource an MCP server that AS
 * protects. The sample issuer has one AS and pairs every MCP server with it; each {@code --external-as} AS is paired
 * with its own server ({@link #pair}). Identifiers are compared
 * byte for byte, never normalised.
 */
final class AudienceResourcePairs {

    private final Map<String, Map<String, String>> resourceNamesByAudience = new java.util.concurrent.ConcurrentHashMap<>();

    AudienceResourcePairs(URI asIssuer, Map<String, URI> resourcesByName) {
        Map<String, String> byResource = new LinkedHashMap<>();
        resourcesByName.forEach((name, uri) -> byResource.put(uri.toString(), name));
        resourceNamesByAudience.put(asIssuer.toString(), Map.copyOf(byResource));
    }

    /** Adds the pair ({@code audience}, {@code resource}): an MCP server another AS protects (e.g. Keycloak). */
    void pair(String audience, String resource, String name) {
        resourceNamesByAudience.merge(audience, Map.of(resource, name), (a, b) -> {
            Map<String, String> both = new LinkedHashMap<>(a);
            both.putAll(b);
            return Map.copyOf(both);
        });
    }

    boolean isKnownAudience(String audience) {
        return resourceNamesByAudience.containsKey(audience);
    }

    /** The policy name of {@code resource} if it is paired with {@code audience}. */
    Optional<String> resourceName(String audience, String resource) {
        Map<String, String> pairs = resourceNamesByAudience.get(audience);
        return pairs == null ? Optional.empty() : Optional.ofNullable(pairs.get(resource));
    }
}
