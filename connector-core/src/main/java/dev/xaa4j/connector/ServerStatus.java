package dev.xaa4j.connector;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One server's token state (no token value); see docs/protocol.md §4 for the lifetimes behind it. Immutable.
 *
 * @param lastError      a person-readable message of the last failure, if the last attempt failed
 * @param lastErrorKind  the {@link ConnectorException#kind()} of that failure (what a UI or host acts on)
 * @param lastOAuthError the OAuth {@code error} code the IdP or AS answered in that failure (RFC 6749 §5.2), if any
 * @param flow           the flow in use for this server ({@link AuthMode#AUTO}: not decided yet)
 * @param flowReason     why that flow was chosen, for people ({@code xaa doctor}), if decided
 */
public record ServerStatus(String server, ServerState state, Optional<Instant> expiresAt, Set<String> scopes,
                           Optional<String> lastError, Optional<ConnectorException.Kind> lastErrorKind,
                           Optional<String> lastOAuthError, AuthMode flow, Optional<String> flowReason) {
    public ServerStatus {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(flowReason, "flowReason");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastErrorKind, "lastErrorKind");
        Objects.requireNonNull(lastOAuthError, "lastOAuthError");
    }

    /** A status whose flow is not known to the caller ({@link AuthMode#AUTO}, no reason). */
    public ServerStatus(String server, ServerState state, Optional<Instant> expiresAt, Set<String> scopes,
                        Optional<String> lastError, Optional<ConnectorException.Kind> lastErrorKind,
                        Optional<String> lastOAuthError) {
        this(server, state, expiresAt, scopes, lastError, lastErrorKind, lastOAuthError, AuthMode.AUTO,
                Optional.empty());
    }

    /** This status with the flow in use and why it was chosen. */
    public ServerStatus withFlow(AuthMode newFlow, Optional<String> reason) {
        return new ServerStatus(server, state, expiresAt, scopes, lastError, lastErrorKind, lastOAuthError, newFlow,
                reason);
    }

    /** A status without a failure, or with only its message known. */
    public ServerStatus(String server, ServerState state, Optional<Instant> expiresAt, Set<String> scopes,
                        Optional<String> lastError) {
        this(server, state, expiresAt, scopes, lastError, Optional.empty(), Optional.empty());
    }

    /** A status whose last attempt ended in {@code lastFailure} (if any): its message, kind and OAuth error. */
    public static ServerStatus of(String server, ServerState state, Optional<Instant> expiresAt, Set<String> scopes,
                                  Optional<? extends ConnectorException> lastFailure) {
        return new ServerStatus(server, state, expiresAt, scopes, lastFailure.map(Throwable::getMessage),
                lastFailure.map(ConnectorException::kind), lastFailure.flatMap(ConnectorException::oauthError));
    }
}
