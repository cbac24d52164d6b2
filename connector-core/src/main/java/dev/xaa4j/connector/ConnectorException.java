package dev.xaa4j.connector;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every error the connector reports. What a caller acts on is {@link #kind()}: hosts map kinds, never message
 * text, to exit codes, JSON-RPC error codes, broker wire values and wording (docs/protocol.md §5). Messages say
 * what to do next and never contain a token, code or secret. Two subclasses add data a caller needs:
 * {@link ScopeDeniedException} (the refused step-up scopes) and {@link MissingClientSecretException} (the issuer
 * and client id without a secret). Immutable; thread-safe.
 */
public class ConnectorException extends RuntimeException {

    /** What went wrong, as a caller acts on it. */
    public enum Kind {
        /** No usable IdP session: a person signs in ({@code xaa login}, the tray). */
        SIGN_IN_REQUIRED,
        /**
         * The server uses plain MCP OAuth (its own consent, {@link AuthMode#OAUTH}) and holds no usable grant for this
         * user yet, or its refresh token was revoked: a person signs in to that server ({@code xaa login SERVER},
         * "Sign in to SERVER" in the tray). A bridge never opens the browser for it.
         */
        SERVER_SIGN_IN_REQUIRED,
        /**
         * The server takes no authorization ({@link AuthMode#NONE}: configured so, or it answered without a token and
         * publishes no protected resource metadata): send requests without a token. Not a failure of the server.
         */
        NOT_PROTECTED,
        /** The browser sign-in did not complete (cancelled, timed out, the IdP answered with an error). */
        SIGN_IN_FAILED,
        /** The IdP or the authorization server refused access: denied, not entitled, revoked (the admin's decision). */
        ACCESS_DENIED,
        /** The server is not enabled for this user at the IdP ({@code invalid_target}, RFC 8693 §2.2.2). */
        SERVER_NOT_ENABLED,
        /** The IdP does not support the ID-JAG token exchange, or rejected the subject token (RFC 8693 §2.2.2). */
        SUBJECT_TOKEN_REJECTED,
        /** The IdP, the authorization server or the MCP server could not be reached or failed transiently; retry later. */
        UPSTREAM_UNAVAILABLE,
        /**
         * The configuration is missing or wrong (issuer, client id, secret, scope, server name, proxy, CA bundle),
         * or a party's metadata or answers do not fit it; a person fixes it, retrying does not help.
         */
        CONFIGURATION,
        /** The OS keyring is locked, busy or refused the operation; it may clear (unlock it) and is retried. */
        CREDENTIAL_STORE,
        /**
         * There is no OS keyring on this machine at all (no Secret Service provider, no Keychain): retrying never
         * clears it; a person starts one or keeps the session in memory.
         */
        KEYRING_UNAVAILABLE
    }

    private final Kind kind;
    private final String server;
    private final String oauthError;

    public ConnectorException(Kind kind, String message) {
        this(kind, null, message, null, null);
    }

    public ConnectorException(Kind kind, String message, Throwable cause) {
        this(kind, null, message, null, cause);
    }

    /**
     * @param oauthError the OAuth {@code error} code the IdP or AS answered (RFC 6749 §5.2), if any; never a token
     */
    public ConnectorException(Kind kind, String message, String oauthError, Throwable cause) {
        this(kind, null, message, oauthError, cause);
    }

    /**
     * @param kind       what went wrong; not null
     * @param server     the configured MCP server name the failure is about, or null
     * @param message    for a person: what happened and what to do next; never a token or secret
     * @param oauthError the OAuth {@code error} code the IdP or AS answered (RFC 6749 §5.2), or null
     * @param cause      the underlying failure, or null
     */
    public ConnectorException(Kind kind, String server, String message, String oauthError, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause); // a null cause stays unset, so a copy for another caller's stack can still take one
        }
        this.kind = Objects.requireNonNull(kind, "kind");
        this.server = server;
        this.oauthError = oauthError;
    }

    /** What went wrong; never null. */
    public Kind kind() {
        return kind;
    }

    /** The configured MCP server name this failure is about, if it is about one. */
    public Optional<String> server() {
        return Optional.ofNullable(server);
    }

    /** The OAuth {@code error} code behind this error (for example {@code access_denied}), if the IdP or AS sent one. */
    public Optional<String> oauthError() {
        return Optional.ofNullable(oauthError);
    }

    /**
     * The first {@code ConnectorException} in {@code t}'s cause chain, {@code t} itself included. A failure inside
     * an MCP SDK call (a token that could not be had for a request) reaches the caller as the SDK's exception with
     * the connector's error as a cause; this finds it, so the caller can act on its {@link #kind()}:
     *
     * <pre>{@code
     * try {
     *     client.callTool(request);
     * } catch (RuntimeException e) {
     *     ConnectorException.in(e).filter(c -> c.kind() == Kind.SIGN_IN_REQUIRED).ifPresent(c -> askToSignIn());
     *     throw e;
     * }
     * }</pre>
     *
     * @param t any throwable, or null
     * @return the outermost {@code ConnectorException} in the chain, or empty when there is none (or {@code t} is
     *         null); a cyclic chain is walked once
     */
    public static Optional<ConnectorException> in(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof ConnectorException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The same failure with another message (e.g. naming the server for a caller that joined a renewal), keeping
     * kind, server, OAuth error and subclass data; {@code this} becomes the cause.
     */
    public ConnectorException withMessage(String message) {
        return new ConnectorException(kind, server, message, oauthError, this);
    }
}
