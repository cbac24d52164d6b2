package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.IdTokenSource;
import dev.xaa4j.connector.ConnectorException;

/**
 * ID tokens supplied by the caller (the subject token of docs/protocol.md §1 step 2) ({@link IdTokenSource}): no session, no IdP refresh, never a browser.
 * A rejected token is asked for again once; if the source returns the same token, sign-in is required.
 */
public final class SuppliedIdTokenProvider implements IdTokenProvider {
    private final IdTokenSource source;

    public SuppliedIdTokenProvider(IdTokenSource source) {
        this.source = source;
    }

    @Override
    public String idToken() {
        String t = source.idToken();
        if (t == null || t.isBlank()) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "No ID token was supplied");
        }
        return t;
    }

    @Override
    public String renewAfterRejection(String rejected) {
        String t = idToken();
        if (t.equals(rejected)) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The IdP rejected the supplied ID token and no other one is available");
        }
        return t;
    }
}
