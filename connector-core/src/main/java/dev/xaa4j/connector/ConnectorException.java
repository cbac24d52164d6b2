package dev.xaa4j.connector;

import java.util.Objects;
import java.util.Optional;

/**
 * Every error the connector reports. What a caller acts on is {@link #kind()}: hosts map kinds, never message
 * text, to exit codes, JSON-RPC error codes, broker wire values and wording. Messages say what to do next and
 * never contain a token, code or secret.
 */
public class ConnectorException extends RuntimeException {

    /** What went wrong, as a caller acts on it. */
    public enum Kind {
        /** No usable IdP session: a person signs in ({@code xaa login}, the tray). */
        SIGN_IN_REQUIRED,
        /** The browser sign-in did not complete (cancelled, timed out, the IdP answered with an error). */
        SIGN_IN_FAILED,
        /** The IdP or the authorization server refused access: denied, not entitled, revoked (the admin's decision). */
        ACCESS_DENIED,
        /** The server is not configured here, or not enabled for this user. */
        SERVER_NOT_ENABLED,
        /** The IdP does not support the ID-JAG token exchange, or rejected the subject token. */
        SUBJECT_TOKEN_REJECTED,
        /** The IdP, the authorization server or the MCP server could not be reached or answered garbage; retry later. */
        UPSTREAM_UNAVAILABLE,
        /** The configuration is missing or wrong (issuer, client id, secret, scope); a person fixes it. */
        CONFIGURATION,
        /** The OS keyring is locked or absent. */
        CREDENTIAL_STORE
    }

    private final Kind kind;
    private final String oauthError;

    public ConnectorException(Kind kind, String message) {
        super(message); // cause not yet set: a copy for another caller's stack may still initCause (TokenManager.copy)
        this.kind = Objects.requireNonNull(kind, "kind");
        this.oauthError = null;
    }

    public ConnectorException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    /**
     * @param oauthError the OAuth {@code error} code the IdP or AS answered (RFC 6749 §5.2), if any; never a token
     */
    public ConnectorException(Kind kind, String message, String oauthError, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause); // a null cause stays unset, so a subclass without a cause parameter can take one later
        }
        this.kind = Objects.requireNonNull(kind, "kind");
        this.oauthError = oauthError;
    }

    /** What went wrong; never null. */
    public Kind kind() {
        return kind;
    }

    /** The OAuth {@code error} code behind this error (for example {@code access_denied}), if the IdP or AS sent one. */
    public Optional<String> oauthError() {
        return Optional.ofNullable(oauthError);
    }
}
