package dev.xaa4j.sample.as;

import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A verified ID-JAG (docs/protocol.md §2): every claim the AS acts on, after {@link IdJagValidator} checked it.
 *
 * @param resource     the MCP server the ID-JAG is for (its {@code resource} claim, one of ours)
 * @param resourceSpec the policy entry of that server (its registered scopes)
 * @param scopes       the ID-JAG's {@code scope} claim, each registered for {@code resource}
 */
record IdJag(String issuer, String subject, String clientId, String jti, Instant expiresAt, URI resource,
             Policy.Resource resourceSpec, List<String> scopes) {
}
