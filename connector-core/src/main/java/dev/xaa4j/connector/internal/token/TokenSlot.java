package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerState;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The token cache's state for one MCP server: the cached token, when to renew, the step-up scopes, the last
 * failure and the renewal in flight.
 *
 * <p>Thread-safety: the fields a cached hit reads are volatile and read without a lock. Every change that a
 * renewal in flight must not overwrite (a step-up, an invalidation, clearing failures after a sign-in, retiring
 * the slot at a sign-out) is made under this object's monitor and advances {@link #generation}; a renewal's
 * result is installed by {@link #install}, under the same monitor, only if neither the generation nor the
 * session epoch moved since its fetch started ({@link #startRound}). The remaining fields are written only by
 * the renewal in flight (at most one, see {@link #inflight}) or, for {@link #lastUsed}, by any caller.
 */
final class TokenSlot {

    /** A failure answered from memory until {@code until}, only while the session epoch is still {@code epoch}. */
    record Failure(ConnectorException error, long until, long epoch) {
    }

    /** What one fetch of a renewal started from. */
    record Round(long generation, long epoch, Set<String> scopes, Set<String> challenged) {
    }

    /** How {@link #install} ended. */
    enum Install {
        INSTALLED,
        /** A step-up, an invalidation, a sign-in or a sign-out landed while fetching: fetch again. */
        CHANGED,
        /** Signed out (or the server was dropped) while fetching: nothing is installed any more. */
        RETIRED
    }

    final String server;
    private final LongSupplier sessionEpoch;
    volatile CachedToken entry;
    volatile long nextAttemptAt;
    volatile long lastUsed;
    volatile Failure failure;
    volatile Set<String> extraScopes = Set.of();
    volatile Set<String> stepUpScopes = Set.of(); // challenged by a 403 and not yet granted; ⊆ extraScopes
    volatile ServerState state = ServerState.IDLE;
    /** What status() reports as the server's last error; set by {@link FailurePolicy#record}, cleared on install. */
    volatile ConnectorException lastError;
    volatile ScheduledFuture<?> timer;
    volatile boolean retired; // written under the monitor
    /** The single renewal in flight, if any; cleared atomically with the install of its result. */
    final AtomicReference<CompletableFuture<CachedToken>> inflight = new AtomicReference<>();
    int transientFailures; // written only by the renewal in flight
    Round round; // written and read only by the renewal in flight
    private int stepUps; // guarded by this
    private long generation; // guarded by this
    private long grantCheckDue; // guarded by this
    private boolean grantSeen; // guarded by this: a stored grant was found at the last look

    TokenSlot(String server, LongSupplier sessionEpoch) {
        this.server = server;
        this.sessionEpoch = sessionEpoch;
    }

    /**
     * Claims the look for a stored per-server grant due at {@code now} (at most one per {@code intervalMillis});
     * {@code false}: another caller looked recently.
     */
    synchronized boolean claimGrantCheck(long now, long intervalMillis) {
        if (now < grantCheckDue) {
            return false;
        }
        grantCheckDue = now + intervalMillis;
        return true;
    }

    /**
     * Records whether a grant is stored now; {@code true} when one appeared since the last look (or at the first
     * look), so a held SERVER_SIGN_IN_REQUIRED is worth one more renewal. A grant that stays (one too narrow for a
     * step-up) is not retried again and again.
     */
    synchronized boolean grantAppeared(boolean stored) {
        boolean appeared = stored && !grantSeen;
        grantSeen = stored;
        return appeared;
    }

    /** The recorded failure to answer a caller with at {@code now}, or {@code null} to try a renewal. */
    ConnectorException failureToAnswer(long now) {
        Failure f = failure;
        return f != null && now < f.until() && f.epoch() == sessionEpoch.getAsLong() ? f.error() : null;
    }

    /** Starts one fetch of a renewal: the scopes to ask for and the generation and epoch it must still find. */
    synchronized Round startRound() {
        round = new Round(generation, sessionEpoch.getAsLong(), extraScopes, stepUpScopes);
        return round;
    }

    /** Whether anything a renewal must not overwrite changed since {@code r} started. */
    synchronized boolean changedSince(Round r) {
        return generation != r.generation() || sessionEpoch.getAsLong() != r.epoch();
    }

    /**
     * Installs {@code fresh}, fetched in round {@code r}, unless the slot changed or was retired meanwhile, and in
     * the same step ends {@code renewal}'s single flight: a caller that comes after the install never joins it.
     */
    synchronized Install install(Round r, CachedToken fresh, CompletableFuture<CachedToken> renewal) {
        if (retired) {
            return Install.RETIRED;
        }
        if (generation != r.generation() || sessionEpoch.getAsLong() != r.epoch()) {
            return Install.CHANGED;
        }
        entry = fresh;
        stepUpScopes = Set.of(); // granted (or the IdP would have refused them)
        failure = null;
        transientFailures = 0;
        lastError = null;
        state = ServerState.READY;
        nextAttemptAt = fresh.renewAt;
        inflight.compareAndSet(renewal, null);
        return Install.INSTALLED;
    }

    /** See {@link TokenManager#invalidate}. */
    synchronized boolean invalidate(String rejectedValue) {
        CachedToken e = entry;
        if (e == null || !e.token.value().equals(rejectedValue)) {
            return false;
        }
        entry = null;
        generation++; // a renewal already in flight (maybe against stale discovery) must not install
        state = ServerState.IDLE;
        return true;
    }

    /** See {@link TokenManager#stepUp}. */
    synchronized boolean stepUp(Collection<String> scopes, int maxStepUps) {
        Set<String> union = new TreeSet<>(extraScopes);
        CachedToken current = entry;
        if (current != null) {
            // Keep what the current token was granted: with no configured scopes the IdP chose them, and
            // asking for the challenged scope alone would lose them (all-or-nothing denial of e.g. a read).
            union.addAll(current.token.scopes());
        }
        if (!union.addAll(scopes) || stepUps >= maxStepUps) {
            return false;
        }
        Set<String> challenged = new TreeSet<>(stepUpScopes);
        for (String scope : scopes) {
            if (current == null || !current.token.scopes().contains(scope)) {
                challenged.add(scope);
            }
        }
        stepUps++;
        stepUpScopes = Collections.unmodifiableSet(challenged);
        extraScopes = Collections.unmodifiableSet(union);
        generation++; // a renewal in flight for the old scopes must not install its result
        entry = null;
        nextAttemptAt = 0;
        return true;
    }

    /** A step-up the IdP refused: forget {@code denied}, so the scopes granted before stay obtainable. */
    synchronized void forgetStepUp(Set<String> denied) {
        Set<String> kept = new TreeSet<>(extraScopes);
        kept.removeAll(denied);
        extraScopes = Collections.unmodifiableSet(kept);
        stepUpScopes = Set.of();
        stepUps = Math.max(0, stepUps - 1);
        generation++;
    }

    /** After a sign-in: forget sign-in-required and denial states so the next call tries again. */
    synchronized void clearFailures() {
        generation++; // a renewal in flight since before the sign-in must not record its failure
        failure = null;
        nextAttemptAt = 0;
        transientFailures = 0;
    }

    /**
     * A token obtained outside a renewal (a per-server sign-in) replaces whatever is cached and clears any failure;
     * a renewal in flight installs nothing over it (the generation moves).
     */
    synchronized void accept(CachedToken fresh) {
        generation++;
        entry = fresh;
        failure = null;
        transientFailures = 0;
        lastError = null;
        state = ServerState.READY;
        nextAttemptAt = fresh.renewAt;
    }

    /** At a sign-out: this slot installs nothing any more and its timer stops. */
    synchronized void retire() {
        retired = true;
        generation++;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
