package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerState;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a failed renewal does to its server's {@link TokenSlot} (docs/protocol.md §5), and how the failure reaches
 * callers:
 * <ul>
 *   <li>transient ({@link Kind#UPSTREAM_UNAVAILABLE}, {@link Kind#CREDENTIAL_STORE}, {@link Kind#KEYRING_UNAVAILABLE}): keep a still-valid token
 *       and retry with jittered exponential back-off ({@link RenewalPolicy#backoffMillis}); with nothing valid
 *       left, answer callers with the error for a short hold, then let the next caller retry;</li>
 *   <li>denial ({@link Kind#ACCESS_DENIED}, {@link Kind#SERVER_NOT_ENABLED}): drop the token and answer from
 *       memory for {@link RenewalPolicy#deniedRetryAfter()};</li>
 *   <li>{@link Kind#SIGN_IN_REQUIRED}, {@link Kind#SERVER_SIGN_IN_REQUIRED}: answer from memory until a sign-in
 *       ({@link TokenSlot#clearFailures}, or a per-server sign-in's token, {@link TokenSlot#accept}; for
 *       SERVER_SIGN_IN_REQUIRED also a grant another process stored, which {@link TokenManager} looks for);</li>
 *   <li>{@link Kind#NOT_PROTECTED}: not a failure (the server takes no token): answered from memory for
 *       {@link RenewalPolicy#deniedRetryAfter()}, no back-off, no event ({@link Outcome#event()} {@code null});</li>
 *   <li>{@link ScopeDeniedException}: only the step-up was refused; forget it, hold nothing against later calls;</li>
 *   <li>anything else: answer from memory for {@link RenewalPolicy#deniedRetryAfter()}.</li>
 * </ul>
 * Called by the renewal in flight only (one per slot at a time); stateless otherwise.
 */
final class FailurePolicy {

    /** The event to emit and when to retry in the background ({@link #NO_RETRY}: not before a caller asks). */
    record Outcome(ConnectorEvent event, long retryInMillis) {
    }

    static final long NO_RETRY = -1;

    private final RenewalPolicy policy;

    FailurePolicy(RenewalPolicy policy) {
        this.policy = policy;
    }

    /**
     * Records {@code error}, found by a renewal whose fetch started under session epoch {@code epoch}, on
     * {@code s} at {@code now} (epoch millis; {@code at} the same instant).
     */
    Outcome record(TokenSlot s, ConnectorException error, long epoch, long now, Instant at) {
        CachedToken current = s.entry;
        boolean stillValid = current != null && now < current.usableUntil;
        s.lastError = error; // the server's last error (message, kind, OAuth error), as status() reports it
        if (error instanceof ScopeDeniedException denied) {
            // Only the step-up was refused: forget it, so the scopes granted before stay obtainable; the
            // callers that joined this renewal (the ones that need the scope) get the IdP's answer.
            s.forgetStepUp(denied.scopes());
            s.nextAttemptAt = 0;
            s.state = stillValid ? ServerState.READY : ServerState.IDLE;
            return new Outcome(new ConnectorEvent.RenewalFailed(at, s.server, error.getMessage(), stillValid), NO_RETRY);
        }
        if (error.kind() == Kind.ACCESS_DENIED || error.kind() == Kind.SERVER_NOT_ENABLED) {
            s.entry = null;
            s.failure = new TokenSlot.Failure(error, now + policy.deniedRetryAfter().toMillis(), epoch);
            s.nextAttemptAt = Long.MAX_VALUE;
            s.state = ServerState.DENIED;
            return new Outcome(new ConnectorEvent.AccessRevoked(at, s.server, error.getMessage()), NO_RETRY);
        }
        if (error.kind() == Kind.NOT_PROTECTED) {
            // Not a failure: the server takes no token. Answer from memory for a while, no back-off, no event.
            s.failure = new TokenSlot.Failure(error, now + policy.deniedRetryAfter().toMillis(), epoch);
            s.nextAttemptAt = Long.MAX_VALUE;
            s.lastError = null;
            s.state = ServerState.IDLE;
            return new Outcome(null, NO_RETRY);
        }
        if (error.kind() == Kind.SIGN_IN_REQUIRED || error.kind() == Kind.SERVER_SIGN_IN_REQUIRED) {
            s.failure = new TokenSlot.Failure(error, Long.MAX_VALUE, epoch);
            s.nextAttemptAt = Long.MAX_VALUE;
            s.state = ServerState.SIGN_IN_REQUIRED;
            return new Outcome(new ConnectorEvent.SignInRequired(at, Optional.of(s.server), error.getMessage()), NO_RETRY);
        }
        long retryIn = NO_RETRY;
        if (error.kind() == Kind.UPSTREAM_UNAVAILABLE || error.kind() == Kind.CREDENTIAL_STORE
                || error.kind() == Kind.KEYRING_UNAVAILABLE) {
            // a keyring hiccup (locked, D-Bus busy) is as transient as a network one: back off, keep the token
            long backoff = policy.backoffMillis(++s.transientFailures);
            if (stillValid) {
                retryIn = Math.max(1, Math.min(backoff, (current.usableUntil - now) / 2));
                s.nextAttemptAt = now + retryIn;
                s.state = ServerState.DEGRADED;
            } else {
                // Nothing valid left: fail callers for a short while, then let the next caller retry.
                long hold = Math.min(backoff, policy.backoffMin().toMillis());
                s.failure = new TokenSlot.Failure(error, now + hold, epoch);
                s.nextAttemptAt = now + hold;
                s.state = ServerState.FAILED;
            }
        } else {
            s.failure = new TokenSlot.Failure(error, now + policy.deniedRetryAfter().toMillis(), epoch);
            s.nextAttemptAt = now + policy.deniedRetryAfter().toMillis();
            s.state = stillValid ? ServerState.DEGRADED : ServerState.FAILED;
        }
        return new Outcome(new ConnectorEvent.RenewalFailed(at, s.server, error.getMessage(), stillValid), retryIn);
    }

    /** The {@link ConnectorException} behind what a renewal threw (unwrapping futures). */
    static ConnectorException asConnectorException(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ConnectorException ce) {
            return ce;
        }
        // A bug or an unchecked surprise in the renewal chain, not a verdict of the IdP or AS: retrying later is
        // all a caller can do (no kind says "internal error").
        return new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Token renewal failed unexpectedly: " + t, t);
    }

    /**
     * A fresh exception of the same type, kind and OAuth error for this caller's stack, with the shared one (recorded
     * once, answered to many callers) as cause.
     */
    static ConnectorException copy(ConnectorException e) {
        return e.withMessage(e.getMessage());
    }
}
