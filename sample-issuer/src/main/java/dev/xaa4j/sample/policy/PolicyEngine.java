package dev.xaa4j.sample.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides entitlements at each token exchange (docs/protocol.md §3.2 step 5) from the {@link Policy} and the
 * revocations an administrator made at runtime. Thread-safe.
 */
public final class PolicyEngine {

    /** The outcome of an entitlement decision; {@code granted} is empty when denied. */
    public record Decision(boolean allowed, List<String> granted, String reason) {
        static Decision allow(List<String> granted) {
            return new Decision(true, List.copyOf(granted), "entitled");
        }

        static Decision deny(String reason) {
            return new Decision(false, List.of(), reason);
        }
    }

    private final Policy policy;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet(); // "user\0resource"
    /** MCP servers of an external AS this IdP issues ID-JAGs for ({@link #addExternalResource}), by name. */
    private final java.util.Map<String, Policy.Resource> external = new ConcurrentHashMap<>();

    public PolicyEngine(Policy policy) {
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Makes {@code resource} (an MCP server whose AS is another party, e.g. Keycloak) subject to this policy: users
     * are entitled to those of its scopes their grants name (directly or through profiles), as for the policy's own
     * resources. With the demo policy nobody is.
     */
    public void addExternalResource(Policy.Resource resource) {
        external.put(resource.name(), resource);
    }

    /**
     * The scopes of {@code resourceName} the user is entitled to, in the resource's declared order; empty
     * when the user has no grant or the grant was revoked.
     */
    public List<String> entitledScopes(String username, String resourceName) {
        Optional<Policy.Resource> resource = policy.resource(resourceName)
                .or(() -> Optional.ofNullable(external.get(resourceName)));
        if (resource.isEmpty() || revoked.contains(key(username, resourceName))) {
            return List.of();
        }
        Set<String> granted = new LinkedHashSet<>();
        for (Policy.Grant g : policy.grants()) {
            if (!g.user().equals(username)) {
                continue;
            }
            granted.addAll(g.scopes());
            for (String profileName : g.profiles()) {
                policy.profiles().stream().filter(p -> p.name().equals(profileName))
                        .forEach(p -> granted.addAll(p.scopes()));
            }
        }
        return resource.get().scopes().stream().filter(granted::contains).toList();
    }

    /**
     * Grants the entitled subset of {@code requested} (all entitled scopes when nothing was requested);
     * denies when that subset is empty.
     */
    public Decision decide(String username, String resourceName, List<String> requested) {
        if (revoked.contains(key(username, resourceName))) {
            return Decision.deny("grant revoked by administrator");
        }
        List<String> entitled = entitledScopes(username, resourceName);
        if (entitled.isEmpty()) {
            return Decision.deny("user has no entitlement for this resource");
        }
        if (requested == null || requested.isEmpty()) {
            return Decision.allow(entitled);
        }
        List<String> subset = requested.stream().distinct().filter(entitled::contains).toList();
        if (subset.isEmpty()) {
            return Decision.deny("none of the requested scopes is entitled");
        }
        return Decision.allow(subset);
    }

    /** Revokes the user's whole grant for one resource; the next exchange is denied. */
    public boolean revoke(String username, String resourceName) {
        return revoked.add(key(username, resourceName));
    }

    /** Undoes {@link #revoke}. */
    public boolean restore(String username, String resourceName) {
        return revoked.remove(key(username, resourceName));
    }

    public boolean isRevoked(String username, String resourceName) {
        return revoked.contains(key(username, resourceName));
    }

    private static String key(String user, String resource) {
        return user + '\0' + resource;
    }
}
