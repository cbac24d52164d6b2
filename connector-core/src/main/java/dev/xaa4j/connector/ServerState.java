package dev.xaa4j.connector;

/** Where one server's token stands, as shown by {@link Connector#status()} (renewal states of docs/protocol.md §4–§5). */
public enum ServerState {
    /** No token requested yet. */
    IDLE,
    /** A valid token is cached. */
    READY,
    /** The last renewal failed transiently; a still-valid token may be served, retries back off. */
    DEGRADED,
    /** The IdP or AS refused access (revoked, denied, not enabled). */
    DENIED,
    /** The IdP session is gone; the user has to sign in. */
    SIGN_IN_REQUIRED,
    /** The last attempt failed and no valid token is left. */
    FAILED
}
