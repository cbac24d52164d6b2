package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the token cache's renewals (docs/protocol.md §4): at most one per server at a time (single flight, keyed by
 * the server's {@link TokenSlot}), each on a thread of a cached pool of daemon threads {@code xaa4j-renewal-N},
 * started by a caller that needs one or by the server's timer (one daemon thread {@code xaa4j-renewal-timer}) at
 * the token's renew-at time, for servers used within {@link RenewalPolicy#idleAfter()}.
 *
 * <p>Event listeners run on the renewal thread, before the renewal's callers resume; they must not wait for a
 * token of the same server (that renewal is the one they run on).
 */
final class RenewalScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RenewalScheduler.class);
    /** Fetches one renewal may need: the first, one after an invalidation, a sign-in and each step-up. */
    private static final int MAX_FETCH_ROUNDS = TokenManager.MAX_STEP_UPS + 3;
    /** How long {@link #close()} waits for renewals in flight. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(15);

    private final TokenFetcher fetcher;
    private final Clock clock;
    private final RenewalPolicy policy;
    private final FailurePolicy failurePolicy;
    private final Consumer<ConnectorEvent> events;
    private final ScheduledExecutorService timers;
    private final ExecutorService workers;
    private final LongAdder renewals = new LongAdder();
    private final LongAdder failures = new LongAdder();

    RenewalScheduler(TokenFetcher fetcher, Clock clock, RenewalPolicy policy, Consumer<ConnectorEvent> events) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.policy = policy;
        this.failurePolicy = new FailurePolicy(policy);
        this.events = events;
        this.timers = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("xaa4j-renewal-timer"));
        this.workers = Executors.newCachedThreadPool(DaemonThreads.factory("xaa4j-renewal"));
    }

    /** The renewal of {@code s} in flight, or a new one; never blocks. */
    CompletableFuture<CachedToken> renew(TokenSlot s) {
        for (;;) {
            CompletableFuture<CachedToken> current = s.inflight.get();
            if (current != null) {
                return current;
            }
            CompletableFuture<CachedToken> mine = new CompletableFuture<>();
            if (s.inflight.compareAndSet(null, mine)) {
                try {
                    workers.execute(() -> run(s, mine, false));
                } catch (RejectedExecutionException e) {
                    s.inflight.set(null);
                    // Closed by its owner (a configuration reload, shutdown): no kind fits exactly; the caller's
                    // remedy is to try again, with the connector that replaced this one.
                    mine.completeExceptionally(new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE,
                            "The connector is closed; try again"));
                }
                return mine;
            }
        }
    }

    long renewals() {
        return renewals.sum();
    }

    long failures() {
        return failures.sum();
    }

    private void run(TokenSlot s, CompletableFuture<CachedToken> mine, boolean rerun) {
        CachedToken fresh;
        try {
            fresh = fetchAndInstall(s, mine);
        } catch (Throwable t) {
            ConnectorException error = FailurePolicy.asConnectorException(t);
            TokenSlot.Round round = s.round;
            if (!rerun && !s.retired && round != null && s.changedSince(round)) {
                // Failed for a state that changed meanwhile (sign-in or sign-out, step-up, invalidation): the
                // callers joined for the current state, so try once more for it instead of recording a stale failure.
                LOG.debug("renewal for {} failed for a state that has changed ({}); trying again", s.server, error.toString());
                run(s, mine, true);
                return;
            }
            onFailure(s, mine, error, round == null ? 0 : round.epoch());
            return;
        }
        renewals.increment();
        // Listeners see the event before waiting callers resume (a journal line exists when token() returns).
        emit(new ConnectorEvent.TokenIssued(clock.instant(), s.server, fresh.token.scopes(), fresh.token.expiresAt()));
        mine.complete(fresh);
        schedule(s, fresh.renewAt - clock.millis());
    }

    /**
     * Fetches and installs a token under Caffeine's rule: a result is installed only if nothing replaced or
     * dropped the entry since the fetch started (a step-up, an invalidation, a sign-in or sign-out); otherwise it
     * is discarded and fetched again for the slot's current scopes, or, after a sign-out, the renewal fails.
     * Bounded: step-ups are bounded and an invalidation needs an installed entry, so {@value #MAX_FETCH_ROUNDS}
     * rounds suffice.
     */
    private CachedToken fetchAndInstall(TokenSlot s, CompletableFuture<CachedToken> mine) {
        for (int round = 1; ; round++) {
            TokenSlot.Round r = s.startRound();
            CachedToken fresh = CachedToken.of(fetcher.fetch(s.server, r.scopes(), r.challenged()), clock.millis(), policy);
            switch (s.install(r, fresh, mine)) {
                case INSTALLED:
                    return fresh;
                case RETIRED:
                    throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The session changed (sign-out or sign-in) while a token for '"
                            + s.server + "' was being fetched; sign in and try again");
                default:
                    break;
            }
            if (round >= MAX_FETCH_ROUNDS) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The scopes or token of '" + s.server
                        + "' kept changing while a token was being fetched; try again");
            }
            LOG.debug("discarding a token for {} fetched before a step-up, invalidation, sign-in or sign-out; fetching again", s.server);
        }
    }

    private void onFailure(TokenSlot s, CompletableFuture<CachedToken> mine, ConnectorException error, long epoch) {
        if (s.retired) {
            finish(s, mine, error); // signed out or reloaded meanwhile: this slot's state is gone
            return;
        }
        long now = clock.millis();
        if (error.kind() != ConnectorException.Kind.NOT_PROTECTED) {
            failures.increment();
        }
        FailurePolicy.Outcome outcome = failurePolicy.record(s, error, epoch, now, clock.instant());
        emit(outcome.event());
        finish(s, mine, error);
        if (outcome.retryInMillis() != FailurePolicy.NO_RETRY) {
            schedule(s, outcome.retryInMillis());
        }
    }

    private static void finish(TokenSlot s, CompletableFuture<CachedToken> mine, ConnectorException error) {
        s.inflight.compareAndSet(mine, null);
        mine.completeExceptionally(error);
    }

    private void schedule(TokenSlot s, long delayMillis) {
        ScheduledFuture<?> old = s.timer;
        if (old != null) {
            old.cancel(false);
        }
        try {
            s.timer = timers.schedule(() -> onTimer(s), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void onTimer(TokenSlot s) {
        long now = clock.millis();
        if (s.retired || now - s.lastUsed > policy.idleAfter().toMillis()) {
            return; // signed out, or not used recently: let the token lapse
        }
        if (now < s.nextAttemptAt) {
            if (s.nextAttemptAt != Long.MAX_VALUE) {
                schedule(s, s.nextAttemptAt - now);
            }
            return;
        }
        renew(s);
    }

    /** A token obtained outside a renewal (a per-server sign-in) was installed in {@code s}: announce it, renew it in time. */
    void installed(TokenSlot s, CachedToken fresh) {
        emit(new ConnectorEvent.TokenIssued(clock.instant(), s.server, fresh.token.scopes(), fresh.token.expiresAt()));
        schedule(s, fresh.renewAt - clock.millis());
    }

    private void emit(ConnectorEvent event) {
        if (event == null) {
            return;
        }
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}: {}", event.type(), e.toString());
        }
    }

    /**
     * Stops the timer at once and waits up to {@link #CLOSE_GRACE} for renewals in flight: one may be in the middle
     * of an IdP refresh whose rotated refresh token must reach the store, or the next process would replay the
     * old one and lose the session.
     */
    @Override
    public void close() {
        timers.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

}
