package dev.xaa4j.connector;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Scopes asked for by a step-up were refused ({@link ConnectorException.Kind#ACCESS_DENIED}): the MCP server
 * answered {@code 403 insufficient_scope} (RFC 6750 §3.1), the connector asked for the challenged scopes, and the
 * IdP's policy answered {@code invalid_scope} (RFC 6749 §5.2) to the token exchange (RFC 8693 §2.1 {@code scope})
 * or granted a narrower scope (RFC 6749 §5.1), or the MCP server's authorization server answered
 * {@code invalid_scope} to the jwt-bearer grant (RFC 7523 §2.1). The message names the scopes and the party.
 * Not retried without {@code scope}: that would only return a token the MCP server refuses again. The token
 * for the scopes granted before the step-up stays obtainable; only the call that needs {@link #scopes()} fails.
 * Immutable; thread-safe.
 */
public final class ScopeDeniedException extends ConnectorException {
    private final Set<String> scopes;

    /** @param scopes the step-up scopes that were refused, never empty */
    public ScopeDeniedException(String server, Set<String> scopes, String message) {
        this(server, scopes, message, null, null);
    }

    /**
     * @param oauthError the OAuth {@code error} code of the refusal ({@code invalid_scope}), or null when the
     *                   party granted a narrower scope instead
     */
    public ScopeDeniedException(String server, Set<String> scopes, String message, String oauthError, Throwable cause) {
        super(Kind.ACCESS_DENIED, server, message, oauthError, cause);
        this.scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
    }

    /** The step-up scopes the IdP's policy refused (space-free scope tokens, RFC 6749 §3.3). */
    public Set<String> scopes() {
        return scopes;
    }

    @Override
    public ScopeDeniedException withMessage(String message) {
        return new ScopeDeniedException(server().orElse(null), scopes, message, oauthError().orElse(null), this);
    }
}
