package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.AccessDeniedException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConfigurationException;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.CredentialStoreException;
import dev.xaa4j.connector.KeyringUnavailableException;
import dev.xaa4j.connector.DiscoveryException;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerNotEnabledException;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignInRequiredException;
import dev.xaa4j.connector.UpstreamUnavailableException;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The token cache and its proactive renewal (docs/protocol.md §4–§5): the heart of the connector.
 *
 * <h2>Concurrency contract</h2>
 * <ul>
 *   <li><b>Cached hit is lock-free.</b> {@link #token} on a warm server is a {@code ConcurrentHashMap.get}, a
 *       volatile read of an immutable entry, one {@link Clock#millis()} and two volatile reads of the slot;
 *       no lock, no CAS, no allocation.</li>
 *   <li><b>At most one renewal per server in flight</b> (single flight): every caller and the background
 *       timer that needs a new token joins the same future.</li>
 *   <li><b>Callers do not wait once warm.</b> Renewal starts in the background at
 *       {@code expiry − margin − jitter} ({@link RenewalPolicy}) for servers used within
 *       {@link RenewalPolicy#idleAfter()}, both from a timer and from the first hit past that point; callers
 *       keep getting the current token meanwhile. Only a caller with no usable token blocks (at most
 *       {@link RenewalPolicy#callerWait()}).</li>
 *   <li><b>Never hands out an expired token</b>: a token is served only while it has more than
 *       {@link RenewalPolicy#minRemainingMillis} left, by the injected {@link Clock}.</li>
 *   <li><b>Failures</b>: transient ones ({@link UpstreamUnavailableException}, {@link CredentialStoreException})
 *       keep the still-valid token and
 *       retry with jittered exponential back-off; callers fail only when nothing valid is left. Denials
 *       ({@link AccessDeniedException}, {@link ServerNotEnabledException}) drop the token, emit
 *       {@link ConnectorEvent.AccessRevoked} and are answered from memory for
 *       {@link RenewalPolicy#deniedRetryAfter()} (no retry storm). {@link SignInRequiredException} emits
 *       {@link ConnectorEvent.SignInRequired} and stops renewal until {@link #clearFailures()} (after a
 *       sign-in); nothing here ever opens a browser.</li>
 *   <li><b>Step-up refused</b>: a {@link ScopeDeniedException} (the IdP's policy refused the scopes a
 *       {@code 403 insufficient_scope} asked for) fails only the callers of that renewal and undoes the
 *       step-up, so the scopes granted before stay obtainable; nothing is held against later calls.</li>
 * </ul>
 * Entries are tagged with their {@link TokenKey} (IdP issuer, AS issuer, resource, scopes); a step-up
 * changes the scopes and hence the key, so a new token is fetched. A renewal installs its result only if
 * the entry is still the one it started from (Caffeine's rule): a step-up, an invalidation or a sign-out
 * that lands while a fetch is in flight makes the renewal fetch again (or fail, after a sign-out) instead of
 * overwriting the newer state with a token for the old scopes, AS or user.
 */
public final class TokenManager implements AutoCloseable {

    /** Counters for tests, benchmarks and {@code xaa doctor}. */
    public record Stats(long renewals, long blockedCalls, long failures) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenManager.class);
    private static final long TOUCH_GRANULARITY_MS = 1_000;
    private static final int MAX_STEP_UPS = 2;
    /** Fetches one renewal may need: the first, one after an invalidation, a sign-in and each step-up. */
    private static final int MAX_FETCH_ROUNDS = MAX_STEP_UPS + 3;

    private final TokenFetcher fetcher;
    private final Clock clock;
    private final RenewalPolicy policy;
    private final Consumer<ConnectorEvent> events;
    private final Predicate<String> knownServer;
    private final LongSupplier sessionEpoch;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final ExecutorService workers;
    private final LongAdder renewals = new LongAdder();
    private final LongAdder blocked = new LongAdder();
    private final LongAdder failures = new LongAdder();

    public TokenManager(TokenFetcher fetcher, Clock clock, RenewalPolicy policy, Consumer<ConnectorEvent> events,
                        Predicate<String> knownServer) {
        this(fetcher, clock, policy, events, knownServer, () -> 0L);
    }

    /**
     * @param sessionEpoch the IdP session epoch ({@link SessionEpoch#current()}): a fetch that ran while it changed
     *                     (sign-in or sign-out meanwhile) is run again, and a failure recorded under an older epoch
     *                     is not answered from memory
     */
    public TokenManager(TokenFetcher fetcher, Clock clock, RenewalPolicy policy, Consumer<ConnectorEvent> events,
                        Predicate<String> knownServer, LongSupplier sessionEpoch) {
        this.sessionEpoch = sessionEpoch;
        this.fetcher = fetcher;
        this.clock = clock;
        this.policy = policy;
        this.events = events;
        this.knownServer = knownServer;
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("xaa4j-renewal-timer"));
        this.workers = Executors.newCachedThreadPool(daemon("xaa4j-renewal"));
    }

    /** A valid token for {@code server}; blocks only when none is cached. */
    public AccessToken token(String server) {
        Slot s = slots.get(server);
        if (s != null) {
            Entry e = s.entry;
            if (e != null) {
                long now = clock.millis();
                if (now < e.usableUntil) {
                    if (now >= s.nextAttemptAt) {
                        s.renew();
                    }
                    if (now - s.lastUsed >= TOUCH_GRANULARITY_MS) {
                        s.lastUsed = now;
                    }
                    return e.token;
                }
            }
        }
        return slowPath(server);
    }

    /** Like {@link #token} but never blocks: completes when a renewal does. */
    public CompletableFuture<AccessToken> tokenAsync(String server) {
        Optional<AccessToken> cached = peek(server);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(token(server));
        }
        Slot s;
        try {
            s = slot(server);
        } catch (ConnectorException e) {
            return CompletableFuture.failedFuture(e);
        }
        long now = clock.millis();
        s.lastUsed = now;
        Failure f = s.failure;
        if (f != null && now < f.until && f.epoch == sessionEpoch.getAsLong()) {
            return CompletableFuture.failedFuture(copy(f.error));
        }
        blocked.increment();
        return s.renew().thenApply(e -> e.token);
    }

    /** The cached, usable token, if any; never starts a renewal. */
    public Optional<AccessToken> peek(String server) {
        Slot s = slots.get(server);
        Entry e = s == null ? null : s.entry;
        return e != null && clock.millis() < e.usableUntil ? Optional.of(e.token) : Optional.empty();
    }

    /**
     * The MCP server rejected {@code rejectedValue} (401): drop it if it is still the cached token, so the next
     * {@link #token} renews. Returns whether it was dropped.
     */
    public boolean invalidate(String server, String rejectedValue) {
        Slot s = slots.get(server);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            Entry e = s.entry;
            if (e == null || !e.token.value().equals(rejectedValue)) {
                return false;
            }
            s.entry = null;
            s.version++; // a renewal already in flight (maybe against stale discovery) must not install
            s.state = ServerState.IDLE;
            return true;
        }
    }

    /**
     * {@code 403 insufficient_scope}: add {@code scopes} and the current token's granted scopes to what is
     * requested for {@code server} and drop the cached token. Bounded: returns {@code false} (nothing changed)
     * after {@value #MAX_STEP_UPS} step-ups or when the scopes are already requested.
     */
    public boolean stepUp(String server, Collection<String> scopes) {
        Slot s = slot(server);
        synchronized (s) {
            Set<String> union = new TreeSet<>(s.extraScopes);
            Entry current = s.entry;
            if (current != null) {
                // Keep what the current token was granted: with no configured scopes the IdP chose them, and
                // asking for the challenged scope alone would lose them (all-or-nothing denial of e.g. a read).
                union.addAll(current.token.scopes());
            }
            if (!union.addAll(scopes) || s.stepUps >= MAX_STEP_UPS) {
                return false;
            }
            Set<String> challenged = new TreeSet<>(s.stepUpScopes);
            for (String scope : scopes) {
                if (current == null || !current.token.scopes().contains(scope)) {
                    challenged.add(scope);
                }
            }
            s.stepUps++;
            s.stepUpScopes = Collections.unmodifiableSet(challenged);
            s.extraScopes = Collections.unmodifiableSet(union);
            s.version++; // a renewal in flight for the old scopes must not install its result
            s.entry = null;
            s.nextAttemptAt = 0;
            return true;
        }
    }

    /** After a sign-in: forget sign-in-required and denial states so the next call tries again. */
    public void clearFailures() {
        for (Slot s : slots.values()) {
            synchronized (s) {
                s.version++; // a renewal in flight since before the sign-in must not record its failure
                s.failure = null;
                s.nextAttemptAt = 0;
                s.transientFailures = 0;
            }
        }
    }

    /** {@code server} was removed from the configuration: drop its token, state and scheduled renewal. */
    public void forget(String server) {
        Slot s = slots.remove(server);
        ScheduledFuture<?> t = s == null ? null : s.timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** After a sign-out: drop every token and state. */
    public void clear() {
        for (Slot s : slots.values()) {
            ScheduledFuture<?> t = s.timer;
            if (t != null) {
                t.cancel(false);
            }
        }
        slots.clear();
    }

    public ServerStatus status(String server) {
        Slot s = slots.get(server);
        if (s == null) {
            return new ServerStatus(server, ServerState.IDLE, Optional.empty(), Set.of(), Optional.empty());
        }
        Entry e = s.entry;
        boolean valid = e != null && clock.millis() < e.usableUntil;
        ServerState state = s.state;
        if (state == ServerState.READY && !valid) {
            state = ServerState.IDLE;
        }
        return new ServerStatus(server, state, valid ? Optional.of(e.token.expiresAt()) : Optional.empty(),
                valid ? e.token.scopes() : Set.of(), Optional.ofNullable(s.lastError));
    }

    public Stats stats() {
        return new Stats(renewals.sum(), blocked.sum(), failures.sum());
    }

    @Override
    public void close() {
        timers.shutdownNow();
        // Let a renewal in flight finish: it may be in the middle of an IdP refresh whose rotated refresh
        // token must reach the store, or the next process would replay the old one and lose the session.
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

    /** How long {@link #close()} waits for renewals in flight. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(15);

    private AccessToken slowPath(String server) {
        Slot s = slot(server);
        for (int attempt = 0; ; attempt++) {
            long now = clock.millis();
            s.lastUsed = now;
            Entry e = s.entry;
            if (e != null && now < e.usableUntil) {
                return e.token;
            }
            Failure f = s.failure;
            if (f != null && now < f.until && f.epoch == sessionEpoch.getAsLong()) {
                throw copy(f.error);
            }
            blocked.increment();
            CompletableFuture<Entry> renewal = s.renew();
            Entry fresh;
            try {
                fresh = renewal.get(policy.callerWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException ex) {
                throw copy(asConnectorException(ex.getCause()));
            } catch (TimeoutException ex) {
                throw new UpstreamUnavailableException("Timed out waiting for a token for '" + server + "'; try again later");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Interrupted while waiting for a token for '" + server + "'");
            }
            if (clock.millis() < fresh.expiresAt) {
                return fresh.token;
            }
            if (attempt >= 1) {
                throw new UpstreamUnavailableException("The authorization server of '" + server
                        + "' issued a token that was already expired; check the clocks");
            }
        }
    }

    private Slot slot(String server) {
        Slot s = slots.get(server);
        if (s != null) {
            return s;
        }
        if (!knownServer.test(server)) {
            throw new ConfigurationException("No MCP server named '" + server + "' is configured");
        }
        return slots.computeIfAbsent(server, Slot::new);
    }

    private void emit(ConnectorEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}: {}", event.type(), e.toString());
        }
    }

    /** Immutable cache entry; times are epoch millis of the injected clock. */
    private static final class Entry {
        final AccessToken token;
        final TokenKey key;
        final long expiresAt;
        final long usableUntil;
        final long renewAt;

        Entry(AccessToken token, TokenKey key, long expiresAt, long usableUntil, long renewAt) {
            this.token = token;
            this.key = key;
            this.expiresAt = expiresAt;
            this.usableUntil = usableUntil;
            this.renewAt = renewAt;
        }
    }

    /** {@code epoch}: the session epoch the failure was found under; it is not answered from memory after a change. */
    private record Failure(ConnectorException error, long until, long epoch) {
    }

    /** Per-server state. Written by the renewal in flight (one at a time) and by the admin methods above. */
    private final class Slot {
        final String server;
        volatile Entry entry;
        volatile long nextAttemptAt;
        volatile long lastUsed;
        volatile Failure failure;
        volatile Set<String> extraScopes = Set.of();
        volatile Set<String> stepUpScopes = Set.of(); // challenged by a 403 and not yet granted; ⊆ extraScopes
        volatile ServerState state = ServerState.IDLE;
        volatile String lastError;
        volatile ScheduledFuture<?> timer;
        int stepUps; // guarded by this
        long version; // guarded by this: bumped by every change a renewal in flight must not overwrite
        int transientFailures; // written only by the renewal in flight
        long roundVersion; // written only by the renewal in flight: the version its current fetch started from
        long roundEpoch; // written only by the renewal in flight: the session epoch its current fetch started from
        final AtomicReference<CompletableFuture<Entry>> inflight = new AtomicReference<>();

        Slot(String server) {
            this.server = server;
        }

        CompletableFuture<Entry> renew() {
            for (;;) {
                CompletableFuture<Entry> current = inflight.get();
                if (current != null) {
                    return current;
                }
                CompletableFuture<Entry> mine = new CompletableFuture<>();
                if (inflight.compareAndSet(null, mine)) {
                    try {
                        workers.execute(() -> run(mine));
                    } catch (RejectedExecutionException e) {
                        inflight.set(null);
                        mine.completeExceptionally(new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The connector is closed"));
                    }
                    return mine;
                }
            }
        }

        private void run(CompletableFuture<Entry> mine) {
            run(mine, false);
        }

        private void run(CompletableFuture<Entry> mine, boolean rerun) {
            Entry fresh;
            try {
                fresh = fetchAndInstall();
            } catch (Throwable t) {
                ConnectorException error = asConnectorException(t);
                boolean stale;
                synchronized (this) {
                    stale = version != roundVersion || sessionEpoch.getAsLong() != roundEpoch;
                }
                if (stale && !rerun && slots.get(server) == this) {
                    // Failed for a state that changed meanwhile (sign-in or sign-out, step-up, invalidation): the
                    // callers joined for the current state, so try once more for it instead of recording a stale failure.
                    LOG.debug("renewal for {} failed for a state that has changed ({}); trying again", server, error.toString());
                    run(mine, true);
                    return;
                }
                onFailure(mine, error, roundEpoch);
                return;
            }
            renewals.increment();
            // Listeners see the event before waiting callers resume (a journal line exists when token() returns).
            emit(new ConnectorEvent.TokenIssued(clock.instant(), server, fresh.token.scopes(), fresh.token.expiresAt()));
            inflight.set(null);
            mine.complete(fresh);
            schedule(fresh.renewAt - clock.millis());
        }

        /**
         * Fetches and installs a token under Caffeine's rule: a result is installed only if nothing replaced
         * or dropped the entry since the fetch started (a step-up, an invalidation, a sign-in or sign-out); otherwise it
         * is discarded and fetched again for the slot's current scopes. The install is atomic with
         * {@link #stepUp} and {@link #invalidate} (both hold this slot's monitor). Bounded: step-ups are
         * bounded and an invalidation needs an installed entry, so {@value #MAX_FETCH_ROUNDS} rounds suffice.
         */
        private Entry fetchAndInstall() {
            for (int round = 1; ; round++) {
                long started;
                Set<String> scopes;
                Set<String> challenged;
                long epoch;
                synchronized (this) {
                    started = version;
                    scopes = extraScopes;
                    challenged = stepUpScopes;
                    epoch = sessionEpoch.getAsLong();
                }
                roundVersion = started;
                roundEpoch = epoch;
                Entry fresh = entryFor(fetcher.fetch(server, scopes, challenged));
                if (slots.get(server) != this) {
                    throw new SignInRequiredException("The session changed (sign-out or sign-in) while a token for '"
                            + server + "' was being fetched; sign in and try again");
                }
                synchronized (this) {
                    if (version == started && sessionEpoch.getAsLong() == epoch) {
                        entry = fresh;
                        stepUpScopes = Set.of(); // granted (or the IdP would have refused them)
                        failure = null;
                        transientFailures = 0;
                        lastError = null;
                        state = ServerState.READY;
                        nextAttemptAt = fresh.renewAt;
                        return fresh;
                    }
                }
                if (round >= MAX_FETCH_ROUNDS) {
                    throw new UpstreamUnavailableException("The scopes or token of '" + server
                            + "' kept changing while a token was being fetched; try again");
                }
                LOG.debug("discarding a token for {} fetched before a step-up, invalidation, sign-in or sign-out; fetching again", server);
            }
        }

        private Entry entryFor(TokenFetcher.Fetched f) {
            long now = clock.millis();
            long expiresAt = f.token().expiresAt().toEpochMilli();
            long lifetime = Math.max(1, expiresAt - now);
            long margin = policy.marginMillis(lifetime);
            long renewAt = expiresAt - margin - policy.jitterMillis(margin);
            return new Entry(f.token(), f.key(), expiresAt, expiresAt - policy.minRemainingMillis(lifetime), renewAt);
        }

        private void onFailure(CompletableFuture<Entry> mine, ConnectorException error, long epoch) {
            if (slots.get(server) != this) {
                finish(mine, error); // signed out or reloaded meanwhile: this slot's state is gone
                return;
            }
            long now = clock.millis();
            Entry current = entry;
            boolean stillValid = current != null && now < current.usableUntil;
            failures.increment();
            lastError = error.getMessage();
            Instant at = clock.instant();
            if (error instanceof ScopeDeniedException denied) {
                // Only the step-up was refused: forget it, so the scopes granted before stay obtainable; the
                // callers that joined this renewal (the ones that need the scope) get the IdP's answer.
                synchronized (this) {
                    Set<String> kept = new TreeSet<>(extraScopes);
                    kept.removeAll(denied.scopes());
                    extraScopes = Collections.unmodifiableSet(kept);
                    stepUpScopes = Set.of();
                    stepUps = Math.max(0, stepUps - 1);
                    version++;
                }
                nextAttemptAt = 0;
                state = stillValid ? ServerState.READY : ServerState.IDLE;
                emit(new ConnectorEvent.RenewalFailed(at, server, error.getMessage(), stillValid));
                finish(mine, error);
            } else if (error instanceof AccessDeniedException || error instanceof ServerNotEnabledException) {
                entry = null;
                failure = new Failure(error, now + policy.deniedRetryAfter().toMillis(), epoch);
                nextAttemptAt = Long.MAX_VALUE;
                state = ServerState.DENIED;
                emit(new ConnectorEvent.AccessRevoked(at, server, error.getMessage()));
                finish(mine, error);
            } else if (error instanceof SignInRequiredException) {
                failure = new Failure(error, Long.MAX_VALUE, epoch);
                nextAttemptAt = Long.MAX_VALUE;
                state = ServerState.SIGN_IN_REQUIRED;
                emit(new ConnectorEvent.SignInRequired(at, Optional.of(server), error.getMessage()));
                finish(mine, error);
            } else if (error instanceof UpstreamUnavailableException || error instanceof CredentialStoreException) {
                // a keyring hiccup (locked, D-Bus busy) is as transient as a network one: back off, keep the token
                long backoff = policy.backoffMillis(++transientFailures);
                long retryIn = 0;
                if (stillValid) {
                    retryIn = Math.max(1, Math.min(backoff, (current.usableUntil - now) / 2));
                    nextAttemptAt = now + retryIn;
                    state = ServerState.DEGRADED;
                } else {
                    // Nothing valid left: fail callers for a short while, then let the next caller retry.
                    long hold = Math.min(backoff, policy.backoffMin().toMillis());
                    failure = new Failure(error, now + hold, epoch);
                    nextAttemptAt = now + hold;
                    state = ServerState.FAILED;
                }
                emit(new ConnectorEvent.RenewalFailed(at, server, error.getMessage(), stillValid));
                finish(mine, error);
                if (stillValid) {
                    schedule(retryIn);
                }
            } else {
                failure = new Failure(error, now + policy.deniedRetryAfter().toMillis(), epoch);
                nextAttemptAt = now + policy.deniedRetryAfter().toMillis();
                state = stillValid ? ServerState.DEGRADED : ServerState.FAILED;
                emit(new ConnectorEvent.RenewalFailed(at, server, error.getMessage(), stillValid));
                finish(mine, error);
            }
        }

        private void finish(CompletableFuture<Entry> mine, ConnectorException error) {
            inflight.set(null);
            mine.completeExceptionally(error);
        }

        private void schedule(long delayMillis) {
            ScheduledFuture<?> old = timer;
            if (old != null) {
                old.cancel(false);
            }
            try {
                timer = timers.schedule(this::onTimer, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }

        private void onTimer() {
            long now = clock.millis();
            if (slots.get(server) != this || now - lastUsed > policy.idleAfter().toMillis()) {
                return; // signed out, or not used recently: let the token lapse
            }
            if (now < nextAttemptAt) {
                if (nextAttemptAt != Long.MAX_VALUE) {
                    schedule(nextAttemptAt - now);
                }
                return;
            }
            renew();
        }
    }

    static ConnectorException asConnectorException(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ConnectorException ce) {
            return ce;
        }
        return new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Token renewal failed unexpectedly: " + t, t);
    }

    /** A fresh exception of the same kind for this caller's stack, with the shared one as cause. */
    static ConnectorException copy(ConnectorException e) {
        String m = e.getMessage();
        if (e instanceof ScopeDeniedException d) {
            ScopeDeniedException c = new ScopeDeniedException(d.server(), d.scopes(), m);
            c.initCause(e);
            return c;
        }
        if (e instanceof AccessDeniedException a) {
            AccessDeniedException c = new AccessDeniedException(a.server(), m);
            c.initCause(e);
            return c;
        }
        if (e instanceof ServerNotEnabledException n) {
            ServerNotEnabledException c = new ServerNotEnabledException(n.server(), m);
            c.initCause(e);
            return c;
        }
        if (e instanceof SignInRequiredException) {
            return new SignInRequiredException(m, e);
        }
        if (e instanceof UpstreamUnavailableException) {
            return new UpstreamUnavailableException(m, e);
        }
        if (e instanceof ConfigurationException) {
            return new ConfigurationException(m, e);
        }
        if (e instanceof KeyringUnavailableException) {
            return new KeyringUnavailableException(m, e);
        }
        if (e instanceof CredentialStoreException) {
            return new CredentialStoreException(m, e);
        }
        if (e instanceof DiscoveryException) {
            return new DiscoveryException(m, e);
        }
        return new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, m, e);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
