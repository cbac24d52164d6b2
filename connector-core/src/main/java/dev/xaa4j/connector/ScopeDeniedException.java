package dev.xaa4j.connector;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The IdP's policy refused scopes asked for by a step-up: the MCP server answered {@code 403
 * insufficient_scope} (RFC 6750 §3.1), the connector asked the IdP for the challenged scopes in the token
 * exchange (RFC 8693 §2.1 {@code scope}), and the IdP answered {@code invalid_scope} (RFC 6749 §5.2).
 * Not retried without {@code scope}: that would only return a token the MCP server refuses again. The token
 * for the scopes granted before the step-up stays obtainable; only the call that needs {@link #scopes()} fails.
 */
public final class ScopeDeniedException extends AccessDeniedException {
    private final Set<String> scopes;

    /** @param scopes the step-up scopes the IdP's policy refused, never empty */
    public ScopeDeniedException(String server, Set<String> scopes, String message) {
        super(server, message);
        this.scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
    }

    /** The step-up scopes the IdP's policy refused (space-free scope tokens, RFC 6749 §3.3). */
    public Set<String> scopes() {
        return scopes;
    }
}
