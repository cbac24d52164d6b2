package dev.xaa4j.connector.grant;

import dev.xaa4j.connector.ConfigurationException;

/**
 * The IdP or the AS answered {@code invalid_scope} (PROTOCOL.md §5): the renewal chain retries once without
 * {@code scope}; if that fails too, it is a configuration problem.
 */
public final class ScopeRejectedException extends ConfigurationException {
    public ScopeRejectedException(String message) {
        super(message);
    }
}
